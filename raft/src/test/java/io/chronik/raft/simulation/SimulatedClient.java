package io.chronik.raft.simulation;

import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * A KV client of the cluster simulation: writes (60 %) and ReadIndex reads on three keys, each retried
 * against other nodes for 1.5 s and then abandoned (an abandoned write is indeterminate). Requests
 * reach a node's input queue and are handled in its next loop, as proposals reach the driver.
 */
final class SimulatedClient {
  private final int id;
  private final ClusterSimulation sim;
  long op;
  long attemptUntil;

  SimulatedClient(int id, ClusterSimulation sim) {
    this.id = id;
    this.sim = sim;
  }

  void next() {
    if (!sim.faulting() && sim.now() > sim.settings().faultPhaseMs() + 500) {
      return; // clients stop early in the heal phase so the cluster can settle
    }
    op++;
    attemptUntil = sim.now() + 1_500;
    String key = "k" + sim.rnd().nextInt(3);
    if (sim.rnd().nextInt(10) < 6) {
      attemptWrite(key, "v" + id + "." + op, op);
    } else {
      attemptRead(key, op);
    }
  }

  private SimulatedNode pickWriteNode() {
    RaftNode leader = sim.anyLeader();
    if (leader != null && sim.rnd().nextInt(10) < 8) {
      return sim.node(leader.id());
    }
    return sim.host(1 + sim.rnd().nextInt(ClusterSimulation.NODES));
  }

  /**
   * Reads go to any node (a follower refuses or forwards), except while a deposed leader still believes
   * it leads: then they go to it. That is the moment a ReadIndex that skips its leadership check answers
   * from a stale state, a shape a uniform pick meets too rarely. The pick draws the same random number
   * either way, so runs without such a moment keep their schedule.
   */
  private SimulatedNode pickReadNode() {
    int drawn = sim.rnd().nextInt(ClusterSimulation.NODES);
    RaftNode newest = sim.anyLeader();
    if (newest != null) {
      List<SimulatedNode> deposed = new ArrayList<>();
      for (int host = 1; host <= ClusterSimulation.NODES; host++) {
        RaftNode r = sim.host(host).raft;
        if (r != null && r.role() == Role.LEADER && r.term() < newest.term()) {
          deposed.add(sim.host(host));
        }
      }
      if (!deposed.isEmpty()) {
        return deposed.get(drawn % deposed.size());
      }
    }
    return sim.host(1 + drawn);
  }

  private void retryOrGiveUp(Runnable attempt) {
    if (sim.now() + 20 > attemptUntil) {
      sim.at(sim.now() + 1, this::next);
    } else {
      sim.at(sim.now() + 20, attempt);
    }
  }

  /** The request reaches the node's queue now and is handled in its next loop, as in the driver. */
  void attemptWrite(String key, String value, long myOp) {
    if (op != myOp) {
      return; // a retry of an operation the client already gave up on
    }
    SimulatedNode n = pickWriteNode();
    if (!n.up()) {
      retryOrGiveUp(() -> attemptWrite(key, value, myOp));
      return;
    }
    long invoked = sim.now();
    boolean[] done = {false};
    n.submit(() -> {
      if (op != myOp) {
        return; // the client gave up before the node got to it
      }
      if (!n.raft.propose(KvStore.write(id, myOp, key, value)).isAccepted()) {
        retryOrGiveUp(() -> attemptWrite(key, value, myOp));
        return;
      }
      n.writeAcks.put(id + ":" + myOp, () -> {
        done[0] = true;
        sim.oracle().writeAcked(key, invoked, sim.now(), sim.ackedIndex(id + ":" + myOp));
        sim.at(sim.now() + sim.rnd().nextInt(30), this::next);
      });
    });
    // an unacknowledged write is indeterminate: the client gives up on it and moves on
    sim.at(attemptUntil, () -> {
      if (!done[0] && op == myOp) {
        n.writeAcks.remove(id + ":" + myOp);
        next();
      }
    });
  }

  void attemptRead(String key, long myOp) {
    if (op != myOp) {
      return;
    }
    SimulatedNode n = pickReadNode();
    if (!n.up()) {
      retryOrGiveUp(() -> attemptRead(key, myOp));
      return;
    }
    long invoked = sim.now();
    boolean[] done = {false};
    long[] context = {0};
    n.submit(() -> {
      if (op != myOp) {
        return;
      }
      long ctx = sim.nextReadContext();
      context[0] = ctx;
      if (!n.raft.readIndex(ctx)) {
        retryOrGiveUp(() -> attemptRead(key, myOp));
        return;
      }
      n.readsByContext.put(ctx, () -> {
        done[0] = true;
        String violation = sim.oracle().readCompleted(key, invoked, sim.now(), n.kv.get(key).index());
        if (violation != null) {
          sim.fail("linearizability " + violation + " node=" + n.id);
        }
        sim.at(sim.now() + sim.rnd().nextInt(30), this::next);
      });
    });
    sim.at(attemptUntil, () -> {
      if (!done[0] && op == myOp) {
        n.readsByContext.remove(context[0]);
        next();
      }
    });
  }
}
