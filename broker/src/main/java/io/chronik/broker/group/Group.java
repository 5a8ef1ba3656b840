package io.chronik.broker.group;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/** A classic consumer group's membership state (mutated only by {@link GroupCoordinator}). */
public final class Group {

  /** Classic group states, named as Kafka reports them. */
  public enum State {
    EMPTY("Empty"), PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"), STABLE("Stable");

    public final String kafkaName;

    State(String kafkaName) {
      this.kafkaName = kafkaName;
    }
  }

  /** One protocol a member supports, in the member's order of preference. */
  public record Protocol(String name, byte[] metadata) {}

  /** A member; join/sync callbacks are non-null while its JoinGroup/SyncGroup is parked. */
  public static final class Member {
    final String memberId;
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    List<Protocol> protocols;
    byte[] assignment = new byte[0];
    long sessionDeadlineMs;
    Consumer<JoinGroupResponseData> joinCallback;
    Consumer<SyncGroupResponseData> syncCallback;

    Member(String memberId, String groupInstanceId, String clientId, String clientHost) {
      this.memberId = memberId;
      this.groupInstanceId = groupInstanceId;
      this.clientId = clientId;
      this.clientHost = clientHost;
    }

    public String memberId() {
      return memberId;
    }

    public String groupInstanceId() {
      return groupInstanceId;
    }

    public String clientId() {
      return clientId;
    }

    public String clientHost() {
      return clientHost;
    }

    public byte[] assignment() {
      return assignment;
    }

    /** This member's metadata for {@code protocol}, or an empty array. */
    public byte[] metadata(String protocol) {
      for (Protocol p : protocols) {
        if (p.name().equals(protocol)) {
          return p.metadata();
        }
      }
      return new byte[0];
    }
  }

  final String groupId;
  State state = State.EMPTY;
  int generation;
  String protocolType;
  String protocolName;
  String leaderId;
  final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, with the deadline to rejoin (KIP-394). */
  final Map<String, Long> pendingMembers = new HashMap<>();
  long rebalanceDeadlineMs;
  /** True during the initial-delay window of a rebalance started from Empty. */
  boolean initialDelay;

  Group(String groupId) {
    this.groupId = groupId;
  }

  public String groupId() {
    return groupId;
  }

  public State state() {
    return state;
  }

  public int generation() {
    return generation;
  }

  public String protocolType() {
    return protocolType;
  }

  public String protocolName() {
    return protocolName;
  }

  public String leaderId() {
    return leaderId;
  }

  public Map<String, Member> members() {
    return members;
  }
}
