package io.chronik.pipeline.driver;

import io.chronik.raft.message.Message;

/** A Raft message tagged with its group: the unit peer transports carry between drivers. */
public record GroupMessage(int groupId, Message message) {
}
