/**
 * {@code GET /open-apis/contact/v3/users/:user_id}, answered from the directory. Used only by
 * {@code server.OpenCardKitServer}.
 */
package io.opencardkit.server.contact;
