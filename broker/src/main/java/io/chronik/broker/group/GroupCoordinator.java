package io.chronik.broker.group;

import io.chronik.broker.group.Group.Member;
import io.chronik.broker.group.Group.Protocol;
import io.chronik.broker.group.Group.State;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The classic group protocol state machine (Empty → PreparingRebalance → CompletingRebalance →
 * Stable). Pure logic: time comes in as {@code nowMs}, answers go out through callbacks, so tests
 * drive it without threads. A rebalance completes once every known member has rejoined or its
 * deadline (the largest member rebalance timeout; the initial delay for a group starting from
 * Empty) passes; members that did not rejoin are removed. Members whose session expires are
 * removed and trigger a rebalance. Static membership (group.instance.id) is treated as dynamic.
 */
public final class GroupCoordinator {
  private final Map<String, Group> groups = new HashMap<>();
  private final int sessionTimeoutMinMs;
  private final int sessionTimeoutMaxMs;
  private final int initialRebalanceDelayMs;

  public GroupCoordinator(int sessionTimeoutMinMs, int sessionTimeoutMaxMs, int initialRebalanceDelayMs) {
    this.sessionTimeoutMinMs = sessionTimeoutMinMs;
    this.sessionTimeoutMaxMs = sessionTimeoutMaxMs;
    this.initialRebalanceDelayMs = initialRebalanceDelayMs;
  }

  /** A JoinGroup request, version-normalized. */
  public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId,
      String clientHost, String protocolType, List<Protocol> protocols, int sessionTimeoutMs,
      int rebalanceTimeoutMs, boolean requireKnownMemberId) {}

  public Group group(String groupId) {
    return groups.get(groupId);
  }

  public Collection<Group> groups() {
    return groups.values();
  }

  public void join(JoinRequest r, long nowMs, Consumer<JoinGroupResponseData> callback) {
    if (r.groupId() == null || r.groupId().isEmpty()) {
      callback.accept(joinError(Errors.INVALID_GROUP_ID, r.memberId()));
      return;
    }
    if (r.sessionTimeoutMs() < sessionTimeoutMinMs || r.sessionTimeoutMs() > sessionTimeoutMaxMs) {
      callback.accept(joinError(Errors.INVALID_SESSION_TIMEOUT, r.memberId()));
      return;
    }
    Group g = groups.get(r.groupId());
    if (g == null) {
      if (!r.memberId().isEmpty()) {
        callback.accept(joinError(Errors.UNKNOWN_MEMBER_ID, r.memberId()));
        return;
      }
      g = new Group(r.groupId());
      groups.put(r.groupId(), g);
    }
    if (r.protocols().isEmpty() || (!g.members.isEmpty()
        && (!r.protocolType().equals(g.protocolType) || !sharesProtocol(g, r.protocols())))) {
      callback.accept(joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId()));
      return;
    }
    Member m;
    if (r.memberId().isEmpty()) {
      String id = r.clientId() + "-" + UUID.randomUUID();
      if (r.requireKnownMemberId()) {
        g.pendingMembers.put(id, nowMs + r.sessionTimeoutMs());
        callback.accept(joinError(Errors.MEMBER_ID_REQUIRED, id));
        return;
      }
      m = addMember(g, r, id);
    } else if (g.members.containsKey(r.memberId())) {
      m = g.members.get(r.memberId());
    } else if (g.pendingMembers.remove(r.memberId()) != null) {
      m = addMember(g, r, r.memberId());
    } else {
      callback.accept(joinError(Errors.UNKNOWN_MEMBER_ID, r.memberId()));
      return;
    }
    boolean changed = m.protocols != null && !sameProtocols(m.protocols, r.protocols());
    m.protocols = r.protocols();
    m.sessionTimeoutMs = r.sessionTimeoutMs();
    m.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
    m.sessionDeadlineMs = nowMs + r.sessionTimeoutMs();
    if (g.protocolType == null) {
      g.protocolType = r.protocolType();
    }
    if (m.joinCallback != null) {
      m.joinCallback.accept(joinError(Errors.UNKNOWN_MEMBER_ID, m.memberId));
    }
    m.joinCallback = callback;
    if (g.state == State.STABLE && !changed && !m.memberId.equals(g.leaderId) && m.assignment.length > 0) {
      // A follower rejoining with unchanged metadata gets the current generation back.
      m.joinCallback = null;
      callback.accept(joinResponse(g, m));
      return;
    }
    if (g.state != State.PREPARING_REBALANCE) {
      prepareRebalance(g, nowMs);
    }
    tryCompleteJoin(g, nowMs);
  }

  private static Member addMember(Group g, JoinRequest r, String id) {
    Member m = new Member(id, r.groupInstanceId(), r.clientId(), r.clientHost());
    g.members.put(id, m);
    return m;
  }

  private void prepareRebalance(Group g, long nowMs) {
    if (g.state == State.COMPLETING_REBALANCE) {
      for (Member m : g.members.values()) {
        if (m.syncCallback != null) {
          m.syncCallback.accept(new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
          m.syncCallback = null;
        }
      }
    }
    g.initialDelay = g.state == State.EMPTY && initialRebalanceDelayMs > 0;
    int timeout = 0;
    for (Member m : g.members.values()) {
      timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    }
    g.rebalanceDeadlineMs = nowMs + (g.initialDelay ? initialRebalanceDelayMs : timeout);
    g.state = State.PREPARING_REBALANCE;
  }

  private void tryCompleteJoin(Group g, long nowMs) {
    if (g.state != State.PREPARING_REBALANCE) {
      return;
    }
    boolean allJoined = g.members.values().stream().allMatch(m -> m.joinCallback != null);
    boolean expired = nowMs >= g.rebalanceDeadlineMs;
    if (!expired && (g.initialDelay || !allJoined)) {
      return;
    }
    g.members.values().removeIf(m -> m.joinCallback == null);
    g.generation++;
    if (g.members.isEmpty()) {
      toEmpty(g);
      return;
    }
    g.protocolName = selectProtocol(g);
    if (g.leaderId == null || !g.members.containsKey(g.leaderId)) {
      g.leaderId = g.members.keySet().iterator().next();
    }
    g.state = State.COMPLETING_REBALANCE;
    for (Member m : g.members.values()) {
      m.assignment = new byte[0];
      Consumer<JoinGroupResponseData> cb = m.joinCallback;
      m.joinCallback = null;
      m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
      cb.accept(joinResponse(g, m));
    }
  }

  private static JoinGroupResponseData joinResponse(Group g, Member m) {
    JoinGroupResponseData resp = new JoinGroupResponseData().setGenerationId(g.generation)
        .setProtocolType(g.protocolType).setProtocolName(g.protocolName).setLeader(g.leaderId)
        .setMemberId(m.memberId);
    if (m.memberId.equals(g.leaderId)) {
      for (Member x : g.members.values()) {
        resp.members().add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(x.memberId)
            .setGroupInstanceId(x.groupInstanceId).setMetadata(x.metadata(g.protocolName)));
      }
    }
    return resp;
  }

  private static JoinGroupResponseData joinError(Errors e, String memberId) {
    return new JoinGroupResponseData().setErrorCode(e.code()).setGenerationId(-1)
        .setProtocolName(null).setLeader("").setMemberId(memberId == null ? "" : memberId);
  }

  /** The leader's first-choice protocol that every member supports. */
  private static String selectProtocol(Group g) {
    Member leader = g.leaderId != null && g.members.containsKey(g.leaderId)
        ? g.members.get(g.leaderId) : g.members.values().iterator().next();
    for (Protocol p : leader.protocols) {
      if (g.members.values().stream().allMatch(m -> m.protocols.stream().anyMatch(q -> q.name().equals(p.name())))) {
        return p.name();
      }
    }
    return leader.protocols.get(0).name();
  }

  private static boolean sharesProtocol(Group g, List<Protocol> protocols) {
    for (Protocol p : protocols) {
      if (g.members.values().stream().allMatch(m -> m.protocols == null
          || m.protocols.stream().anyMatch(q -> q.name().equals(p.name())))) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameProtocols(List<Protocol> a, List<Protocol> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).name().equals(b.get(i).name())
          || !java.util.Arrays.equals(a.get(i).metadata(), b.get(i).metadata())) {
        return false;
      }
    }
    return true;
  }

  /** SyncGroup: the leader's assignments complete the rebalance; followers wait for them. */
  public void sync(String groupId, String memberId, int generation, Map<String, byte[]> assignments,
      long nowMs, Consumer<SyncGroupResponseData> callback) {
    Group g = groups.get(groupId);
    Member m = g == null ? null : g.members.get(memberId);
    if (m == null) {
      callback.accept(syncError(Errors.UNKNOWN_MEMBER_ID));
      return;
    }
    if (generation != g.generation) {
      callback.accept(syncError(Errors.ILLEGAL_GENERATION));
      return;
    }
    m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
    switch (g.state) {
      case PREPARING_REBALANCE, EMPTY -> callback.accept(syncError(Errors.REBALANCE_IN_PROGRESS));
      case STABLE -> callback.accept(syncResponse(g, m));
      case COMPLETING_REBALANCE -> {
        m.syncCallback = callback;
        if (memberId.equals(g.leaderId)) {
          for (Member x : g.members.values()) {
            x.assignment = assignments.getOrDefault(x.memberId, new byte[0]);
          }
          g.state = State.STABLE;
          for (Member x : g.members.values()) {
            if (x.syncCallback != null) {
              Consumer<SyncGroupResponseData> cb = x.syncCallback;
              x.syncCallback = null;
              cb.accept(syncResponse(g, x));
            }
          }
        }
      }
      default -> throw new IllegalStateException("group=" + groupId + " state=" + g.state);
    }
  }

  private static SyncGroupResponseData syncResponse(Group g, Member m) {
    return new SyncGroupResponseData().setProtocolType(g.protocolType).setProtocolName(g.protocolName)
        .setAssignment(m.assignment);
  }

  private static SyncGroupResponseData syncError(Errors e) {
    return new SyncGroupResponseData().setErrorCode(e.code()).setAssignment(new byte[0]);
  }

  public Errors heartbeat(String groupId, String memberId, int generation, long nowMs) {
    Group g = groups.get(groupId);
    Member m = g == null ? null : g.members.get(memberId);
    if (m == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (generation != g.generation) {
      return Errors.ILLEGAL_GENERATION;
    }
    m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
    return g.state == State.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
  }

  public Errors leave(String groupId, String memberId, long nowMs) {
    Group g = groups.get(groupId);
    Member m = g == null ? null : g.members.get(memberId);
    if (m == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    removeMember(g, m, nowMs);
    return Errors.NONE;
  }

  private void removeMember(Group g, Member m, long nowMs) {
    g.members.remove(m.memberId);
    if (m.joinCallback != null) {
      m.joinCallback.accept(joinError(Errors.UNKNOWN_MEMBER_ID, m.memberId));
    }
    if (m.syncCallback != null) {
      m.syncCallback.accept(syncError(Errors.UNKNOWN_MEMBER_ID));
    }
    if (g.members.isEmpty()) {
      if (g.state != State.EMPTY) {
        g.generation++;
      }
      toEmpty(g);
    } else if (g.state == State.PREPARING_REBALANCE) {
      tryCompleteJoin(g, nowMs);
    } else {
      prepareRebalance(g, nowMs);
    }
  }

  private static void toEmpty(Group g) {
    g.state = State.EMPTY;
    g.leaderId = null;
    g.protocolName = null;
    g.protocolType = null;
  }

  /** Validates an OffsetCommit's member and generation (generation -1 = simple commit). */
  public Errors validateCommit(String groupId, String memberId, int generation) {
    Group g = groups.get(groupId);
    if (generation < 0 && (memberId == null || memberId.isEmpty())) {
      return g == null || g.state == State.EMPTY ? Errors.NONE : Errors.ILLEGAL_GENERATION;
    }
    Member m = g == null ? null : g.members.get(memberId);
    if (m == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (generation != g.generation) {
      return Errors.ILLEGAL_GENERATION;
    }
    return g.state == State.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
  }

  /** Expires sessions and pending member ids, and completes rebalances whose deadline passed. */
  public void tick(long nowMs) {
    for (Group g : new ArrayList<>(groups.values())) {
      g.pendingMembers.values().removeIf(deadline -> deadline <= nowMs);
      for (Member m : new ArrayList<>(g.members.values())) {
        // A member parked in JoinGroup is waiting on us, not silent: rebalance timeout covers it.
        if (m.joinCallback == null && m.sessionDeadlineMs <= nowMs && g.members.containsKey(m.memberId)) {
          removeMember(g, m, nowMs);
        }
      }
      tryCompleteJoin(g, nowMs);
    }
  }
}
