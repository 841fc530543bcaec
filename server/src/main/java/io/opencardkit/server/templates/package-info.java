/**
 * The card templates of {@code serve --templates DIR}, rendered with {@code core.template}. Used by
 * {@code cards}, {@code im}, {@code bots.callback} and the composition root.
 */
package io.opencardkit.server.templates;
