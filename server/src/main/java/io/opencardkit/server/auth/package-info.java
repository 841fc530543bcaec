/**
 * Tenant access tokens: {@code POST /open-apis/auth/v3/tenant_access_token/internal} and the
 * verification of the {@code t-…} token every OpenAPI call carries. Used only by {@code
 * server.OpenCardKitServer}.
 */
package io.opencardkit.server.auth;
