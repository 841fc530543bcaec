/**
 * Card JSON 2.0 as CardKit checks and edits it: {@link io.opencardkit.core.card.CardValidator} (the
 * validation rules and the Feishu code of the first problem) and {@link
 * io.opencardkit.core.card.ElementTree} (edits addressed by {@code element_id}). Pure functions
 * over Jackson trees; used by the engine, the server's card, IM and callback code, and the
 * benchmarks.
 */
package io.opencardkit.core.card;
