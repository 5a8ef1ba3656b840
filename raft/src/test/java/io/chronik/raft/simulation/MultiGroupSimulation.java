package io.chronik.raft.simulation;

import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Many Raft groups per node, as a broker node hosts them, driven the way the production driver drives
 * them: one loop per node that steps every queued message, advances logical time by at most one tick
 * (however long the loop took), persists every group's Ready and then pays one fsync whose latency has
 * slow tails (100 ms to 1 s), so loops stretch and ticks dilate. Idle groups quiesce; a node-level
 * liveness detector (pings every heartbeat interval, off the loop) wakes the groups shared with a peer
 * that went silent or came back. Faults: partitions of one node, and slow-disk phases.
 *
 * <p>Checked after every loop: at most one leader per group and term (election safety). Checked after
 * the heal: every group has a leader that every member knows, within a bound (liveness), and every
 * group has fallen quiescent again.
 */
final class MultiGroupSimulation {
  static final int NODES = 3;
  static final long TICK_MS = 20;
  static final long PING_MS = 60;
  static final long SILENCE_MS = 1200;

  record Settings(int groups, long faultPhaseMs, long healBoundMs) {
    static Settings ci() {
      return new Settings(48, 20_000, 30_000);
    }
  }

  record Result(long seed, long loops, long elections, long healedAfterMs) {}

  private record Delivery(long at, long seq, int to, int group, Message message) {}

  private final long seed;
  private final Settings settings;
  private final SplittableRandom rnd;
  private final RaftOptions options = RaftOptions.defaults().toBuilder()
      .electionTicks(15).heartbeatTicks(3).quiesce(true).build();
  private final RaftNode[][] rafts = new RaftNode[NODES + 1][];
  private final MemoryLogStorage[][] disks = new MemoryLogStorage[NODES + 1][];
  private final long[] loopAt = new long[NODES + 1];
  private final long[] lastTickAt = new long[NODES + 1];
  private final long[][] lastHeard = new long[NODES + 1][NODES + 1];
  private final boolean[][] down = new boolean[NODES + 1][NODES + 1];
  private final boolean[] isolated = new boolean[NODES + 1];
  private final List<List<Delivery>> inbox = new ArrayList<>();
  private final PriorityQueue<Delivery> network =
      new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
  private long seq;
  private long loops;
  private long elections;
  private boolean slowDisks;

  MultiGroupSimulation(long seed, Settings settings) {
    this.seed = seed;
    this.settings = settings;
    this.rnd = new SplittableRandom(seed);
    List<Integer> voters = List.of(1, 2, 3);
    for (int n = 0; n <= NODES; n++) {
      inbox.add(new ArrayList<>());
    }
    for (int n = 1; n <= NODES; n++) {
      rafts[n] = new RaftNode[settings.groups()];
      disks[n] = new MemoryLogStorage[settings.groups()];
      for (int g = 0; g < settings.groups(); g++) {
        disks[n][g] = new MemoryLogStorage();
        rafts[n][g] = new RaftNode(n, disks[n][g], Configuration.of(voters), options, rnd.split());
        if (g % NODES + 1 == n) {
          rafts[n][g].campaign(); // the preferred replica stands at once, as the broker does
        } else {
          rafts[n][g].delayElection(2 * options.electionTicks());
        }
      }
      loopAt[n] = rnd.nextLong(5);
    }
  }

  Result run() {
    long healAt = settings.faultPhaseMs();
    long now = 0;
    long nextFault = 1000;
    long healedAt = -1;
    while (now < healAt + settings.healBoundMs()) {
      int n = nextNode();
      now = loopAt[n];
      deliverUntil(now);
      pings(now);
      if (now < healAt && now >= nextFault) {
        fault();
        nextFault = now + 500 + rnd.nextLong(3000);
      } else if (now >= healAt && (slowDisks || anyIsolated())) {
        slowDisks = false;
        java.util.Arrays.fill(isolated, false);
      }
      loopAt[n] = now + loop(n, now);
      if (now >= healAt + 2000 && healedAt < 0 && healed()) {
        healedAt = now;
        break;
      }
    }
    if (healedAt < 0) {
      throw new AssertionError("seed=" + seed + " reason=not-live groups without an agreed leader or not quiescent "
          + settings.healBoundMs() + " ms after the heal: " + describe());
    }
    return new Result(seed, loops, elections, healedAt - healAt);
  }

  private int nextNode() {
    int best = 1;
    for (int n = 2; n <= NODES; n++) {
      if (loopAt[n] < loopAt[best]) {
        best = n;
      }
    }
    return best;
  }

  private boolean anyIsolated() {
    for (boolean i : isolated) {
      if (i) {
        return true;
      }
    }
    return false;
  }

  private void fault() {
    int pick = rnd.nextInt(10);
    if (pick < 4) {
      java.util.Arrays.fill(isolated, false);
      isolated[1 + rnd.nextInt(NODES)] = true;
    } else if (pick < 7) {
      java.util.Arrays.fill(isolated, false);
    } else {
      slowDisks = !slowDisks;
    }
  }

  /** Pings travel off the loop (the broker's tick thread), so a long loop does not silence a node. */
  private void pings(long now) {
    for (int a = 1; a <= NODES; a++) {
      for (int b = 1; b <= NODES; b++) {
        if (a != b && !isolated[a] && !isolated[b]) {
          lastHeard[b][a] = now - (now % PING_MS);
        }
      }
    }
  }

  private void deliverUntil(long now) {
    while (!network.isEmpty() && network.peek().at <= now) {
      Delivery d = network.poll();
      inbox.get(d.to).add(d);
    }
  }

  /** One driver loop of node {@code n}; returns how long it took. */
  private long loop(int n, long now) {
    loops++;
    for (Delivery d : inbox.get(n)) {
      rafts[n][d.group].step(d.message);
    }
    inbox.get(n).clear();
    if (now - lastTickAt[n] >= TICK_MS) {
      lastTickAt[n] = now; // one tick per loop at most: time dilates with the loop
      for (RaftNode r : rafts[n]) {
        r.tick();
      }
    }
    liveness(n, now);
    if (rnd.nextInt(8) == 0) {
      int g = rnd.nextInt(settings.groups());
      if (rafts[n][g].role() == Role.LEADER) {
        rafts[n][g].propose(new byte[] {(byte) g});
      }
    }
    boolean wrote = false;
    List<Message>[] out = readies(n);
    for (int g = 0; g < settings.groups(); g++) {
      wrote |= out[g] != null;
    }
    long fsyncMs = !wrote ? 0 : slowDisks && rnd.nextInt(3) == 0 ? 100 + rnd.nextLong(900) : 1 + rnd.nextLong(4);
    for (int g = 0; g < settings.groups(); g++) {
      if (out[g] != null) {
        for (Message m : out[g]) {
          if (!isolated[n] && !isolated[m.to()]) {
            network.add(new Delivery(now + fsyncMs + 1 + rnd.nextLong(4), seq++, m.to(), g, m));
          }
        }
      }
    }
    checkElectionSafety(n);
    return Math.max(1, fsyncMs);
  }

  @SuppressWarnings("unchecked")
  private List<Message>[] readies(int n) {
    List<Message>[] out = new List[settings.groups()];
    for (int g = 0; g < settings.groups(); g++) {
      RaftNode r = rafts[n][g];
      if (!r.hasReady()) {
        continue;
      }
      Ready rd = r.ready();
      if (rd.hardState() != null && rd.hardState().term() > disks[n][g].hardState().term()) {
        elections++;
      }
      disks[n][g].append(rd.entries());
      if (rd.hardState() != null) {
        disks[n][g].saveHardState(rd.hardState());
      }
      out[g] = rd.messages();
      r.advance(rd);
    }
    return out;
  }

  /** The driver's liveness round: wake every quiescent group shared with a peer whose state changed. */
  private void liveness(int n, long now) {
    for (int p = 1; p <= NODES; p++) {
      if (p == n) {
        continue;
      }
      boolean nowDown = now - lastHeard[n][p] > SILENCE_MS;
      if (nowDown != down[n][p]) {
        down[n][p] = nowDown;
        for (RaftNode r : rafts[n]) {
          if (r.quiesced() && r.configuration().members().contains(p)) {
            r.wake();
          }
        }
      }
    }
  }

  private void checkElectionSafety(int n) {
    for (int g = 0; g < settings.groups(); g++) {
      RaftNode r = rafts[n][g];
      if (r.role() == Role.LEADER) {
        Integer before = leaderOfTerm.putIfAbsent(((long) g << 32) | r.term(), n);
        if (before != null && before != n) {
          throw new AssertionError("seed=" + seed + " group=" + g + " term=" + r.term() + " reason=two-leaders "
              + before + " and " + n);
        }
      }
    }
  }

  private boolean healed() {
    for (int g = 0; g < settings.groups(); g++) {
      int leader = -1;
      for (int n = 1; n <= NODES; n++) {
        if (rafts[n][g].role() == Role.LEADER) {
          leader = n;
        }
      }
      if (leader < 0) {
        return false;
      }
      for (int n = 1; n <= NODES; n++) {
        RaftNode r = rafts[n][g];
        if (r.leader() != leader || r.term() != rafts[leader][g].term() || !r.quiesced()
            || r.commitIndex() != rafts[leader][g].commitIndex()) {
          return false;
        }
      }
    }
    return true;
  }

  private String describe() {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < settings.groups(); g++) {
      sb.append("\n  group=").append(g);
      for (int n = 1; n <= NODES; n++) {
        RaftNode r = rafts[n][g];
        sb.append(" [").append(n).append(' ').append(r.role()).append(" term=").append(r.term()).append(" leader=")
            .append(r.leader()).append(" commit=").append(r.commitIndex()).append(r.quiesced() ? " q" : "").append(']');
      }
    }
    return sb.toString();
  }
}
