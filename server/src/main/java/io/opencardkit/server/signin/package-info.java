/**
 * The web chat's sign-in in its production modes: static tokens and OpenID Connect, signed session
 * cookies checked by any node with the cluster's key, sign-out revocations, same-origin checks.
 * Used only by {@code server.web} (and wired by the composition root through it).
 */
package io.opencardkit.server.signin;
