/**
 * Compiled code that README and the docs quote: {@link
 * io.opencardkit.examples.StreamingBotTemplate}, a streaming bot to copy, built on {@code client}
 * and the official SDK only. Used by nobody.
 */
package io.opencardkit.examples;
