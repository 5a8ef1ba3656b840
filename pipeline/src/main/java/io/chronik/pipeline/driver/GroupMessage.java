package io.chronik.pipeline.driver;

import io.chronik.raft.message.Message;

/**
 * A Raft message tagged with its group: the unit peer transports carry between drivers. A group id can
 * be reused once its group was deleted; {@code incarnation} says which of the groups that had the id
 * sent the message, so a message of a deleted group never reaches its successor (and one of the
 * successor never reaches a node that still hosts the deleted group): {@link RaftNodeGroup#step} drops
 * a message of another incarnation.
 */
public record GroupMessage(int groupId, int incarnation, Message message) {

  /** A message of a group id's first incarnation (0): the metadata group, node-level messages. */
  public GroupMessage(int groupId, Message message) {
    this(groupId, 0, message);
  }
}
