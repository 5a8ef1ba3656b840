package io.chronik.pipeline.driver;

/** A peer message of the test groups: a heartbeat, or news of a higher term. */
record TestMessage(int groupId, int target, long term, String kind) {
}
