/**
 * CardKit: the card API ({@code /open-apis/cardkit/v1/cards}, {@link
 * io.opencardkit.server.cards.CardKitApi}) and {@link io.opencardkit.server.cards.CardRuntime},
 * which runs the core engine against the store (one writer per card, acknowledgement after
 * durability, interaction locks) and feeds committed events to listeners. Used by {@code im},
 * {@code web}, {@code bots.callback}, {@code cluster}, the composition root and the benchmarks.
 */
package io.opencardkit.server.cards;
