package io.opencardkit.server.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * What the request generator may refer to: the target card and its state, and ids the fuzzer has
 * seen.
 */
final class FuzzWorld {
  String appId;
  String appSecret;
  String chatId;
  String alice;
  String foreignCard; // created by the other bot: every change to it must be refused
  String targetCard;
  String targetMessage;
  int hwm; // the target's accepted sequence high-water mark, as the fuzzer expects it
  List<String> targetIds = List.of(); // element ids found in the target card
  final List<String> cards = new ArrayList<>(); // cards the fuzzer created
  final List<String> messages = new ArrayList<>(); // messages the fuzzer sent
  final List<String> uuids = new ArrayList<>(); // idempotency ids sent to the target
}
