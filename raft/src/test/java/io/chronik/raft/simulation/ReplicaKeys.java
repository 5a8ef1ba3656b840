package io.chronik.raft.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata group's register of replica identities (KIP-853's ReplicaKey): a node's identity in a
 * Raft group is (node id, directory id), the directory id a random id written when its data directory
 * is formatted. The Raft core knows members only by an int, so the register gives every ReplicaKey its
 * own member id: the first directory of node n is member n, a directory formatted later (after a disk
 * loss) gets the next free member id, and the member id of the directory it replaced is retired for
 * good. A message addressed to a member travels to that member's node, which refuses it unless it still
 * runs that directory (KIP-853 checks the directory id in every request).
 */
final class ReplicaKeys {

  record ReplicaKey(int node, long directoryId) {}

  private final Map<ReplicaKey, Integer> memberOfKey = new HashMap<>();
  private final List<ReplicaKey> keyOfMember = new ArrayList<>();

  ReplicaKeys(long[] firstDirectories) {
    keyOfMember.add(null); // member ids start at 1
    for (int node = 1; node < firstDirectories.length; node++) {
      register(new ReplicaKey(node, firstDirectories[node]));
    }
  }

  /** The member id of a replica key, registering a new one under the next free member id. */
  int register(ReplicaKey key) {
    Integer member = memberOfKey.get(key);
    if (member != null) {
      return member;
    }
    keyOfMember.add(key);
    memberOfKey.put(key, keyOfMember.size() - 1);
    return keyOfMember.size() - 1;
  }

  /** The node a member id's directory was formatted on. */
  int host(int member) {
    return keyOfMember.get(member).node();
  }

  ReplicaKey key(int member) {
    return keyOfMember.get(member);
  }
}
