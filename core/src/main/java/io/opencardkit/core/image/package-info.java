/**
 * Checks of an uploaded image as Feishu makes them (size, format recognised by its bytes,
 * dimensions). Pure; used only by the server's IM image API.
 */
package io.opencardkit.core.image;
