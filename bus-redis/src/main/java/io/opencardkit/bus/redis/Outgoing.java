package io.opencardkit.bus.redis;

/** A message waiting to be published: its channel, its envelope, and whether it is a broadcast. */
record Outgoing(String channel, String payload, boolean broadcast) {}
