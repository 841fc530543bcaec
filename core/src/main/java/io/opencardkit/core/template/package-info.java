/**
 * Card templates of the card builder: the catalog of a templates directory and the renderer that
 * fills a template with a request's variables. Pure (the catalog is read by the caller); used only
 * by the server's templates package.
 */
package io.opencardkit.core.template;
