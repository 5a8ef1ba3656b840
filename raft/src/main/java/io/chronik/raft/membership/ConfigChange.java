package io.chronik.raft.membership;

import java.nio.ByteBuffer;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A membership change carried by a {@link io.chronik.raft.log.EntryType#CONFIG} entry.
 *
 * <p>Any change of the voter set goes through joint consensus: {@link Kind#ENTER_JOINT} moves from
 * C<sub>old</sub> to C<sub>old,new</sub>; once that entry is applied the leader appends
 * {@link Kind#LEAVE_JOINT} (C<sub>new</sub>). {@link Kind#LEARNERS} replaces only the learner set and
 * needs no joint phase because learners never vote. Changes take effect when applied, and a leader
 * admits at most one unapplied change at a time, which keeps the two halves' configurations from
 * overlapping (etcd's rule, equivalent to the dissertation's one-change-at-a-time).
 */
public record ConfigChange(Kind kind, SortedSet<Integer> voters, SortedSet<Integer> learners) {

  public enum Kind { ENTER_JOINT, LEAVE_JOINT, LEARNERS }

  public ConfigChange {
    voters = new TreeSet<>(voters);
    learners = new TreeSet<>(learners);
  }

  public static ConfigChange leaveJoint() {
    return new ConfigChange(Kind.LEAVE_JOINT, new TreeSet<>(), new TreeSet<>());
  }

  /** The change that moves {@code current} to the target voters and learners. */
  public static ConfigChange toward(Configuration current, SortedSet<Integer> voters, SortedSet<Integer> learners) {
    Kind kind = current.voters().equals(voters) ? Kind.LEARNERS : Kind.ENTER_JOINT;
    return new ConfigChange(kind, voters, learners);
  }

  /** The configuration after applying this change to {@code current}. */
  public Configuration applyTo(Configuration current) {
    switch (kind) {
      case ENTER_JOINT:
        if (current.joint()) {
          return current; // ignored: a leader never proposes this, see class comment
        }
        return new Configuration(voters, current.voters(), withoutVoters(learners, voters));
      case LEAVE_JOINT:
        return new Configuration(current.voters(), new TreeSet<>(), withoutVoters(current.learners(), current.voters()));
      case LEARNERS:
        return new Configuration(current.voters(), current.outgoing(), withoutVoters(learners, current.voters()));
      default:
        throw new IllegalStateException("kind=" + kind);
    }
  }

  private static SortedSet<Integer> withoutVoters(SortedSet<Integer> learners, SortedSet<Integer> voters) {
    TreeSet<Integer> out = new TreeSet<>(learners);
    out.removeAll(voters);
    return out;
  }

  public byte[] encode() {
    ByteBuffer buf = ByteBuffer.allocate(1 + 8 + 4 * (voters.size() + learners.size()));
    buf.put((byte) kind.ordinal()).putInt(voters.size()).putInt(learners.size());
    voters.forEach(buf::putInt);
    learners.forEach(buf::putInt);
    return buf.array();
  }

  public static ConfigChange decode(byte[] payload) {
    ByteBuffer buf = ByteBuffer.wrap(payload);
    Kind kind = Kind.values()[buf.get()];
    int nv = buf.getInt();
    int nl = buf.getInt();
    TreeSet<Integer> v = new TreeSet<>();
    TreeSet<Integer> l = new TreeSet<>();
    for (int i = 0; i < nv; i++) {
      v.add(buf.getInt());
    }
    for (int i = 0; i < nl; i++) {
      l.add(buf.getInt());
    }
    return new ConfigChange(kind, v, l);
  }
}
