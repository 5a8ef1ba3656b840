package io.chronik.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterStateTest {

  @Test
  void roundTripsThroughTheStateFileAndDeleteIsIdempotent(@TempDir Path dir) throws Exception {
    ClusterState state = new ClusterState(List.of(
        new ClusterState.Node(0, 101, 5001, 9092, 9192, dir.resolve("node-0/broker.log")),
        new ClusterState.Node(1, 102, 5002, 9093, 9193, dir.resolve("node-1/broker.log"))));
    state.write(dir);
    assertThat(ClusterState.read(dir)).contains(state);
    ClusterState.Node moved = new ClusterState.Node(1, 202, 7002, 9093, 9193, dir.resolve("node-1/broker.log"));
    assertThat(state.with(moved).nodes()).containsExactly(state.nodes().get(0), moved);
    ClusterState.delete(dir);
    ClusterState.delete(dir);
    assertThat(ClusterState.read(dir)).isEmpty();
  }

  @Test
  void thisProcessIsAliveOnlyUnderItsOwnStartTime() {
    long pid = ProcessHandle.current().pid();
    ProcessStamp self = ProcessStamp.of(pid).orElseThrow();
    assertThat(self.isAlive()).isTrue();
    assertThat(new ProcessStamp(pid, self.startTicks() + 1).isAlive()).as("a recycled pid is not our process").isFalse();
    assertThat(new ProcessStamp(pid, self.startTicks() + 1).kill()).isFalse();
  }

  @Test
  void statFieldsAreCountedFromTheLastParenthesisOfTheCommandName() {
    String stat = "4242 (java) (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 30 0 987654 1000 200";
    assertThat(ProcessStamp.parseStat(stat)).contains(new ProcessStamp.Stat('S', 30, 987654));
    assertThat(ProcessStamp.parseStat("4242 (java) Z 1")).isEmpty();
  }

  @Test
  void aKilledProcessStillRunsWhileAnyOfItsThreadsDoes() {
    assertThat(new ProcessStamp.Stat('S', 30, 1).running()).isTrue();
    assertThat(new ProcessStamp.Stat('Z', 12, 1).running()).as("main thread a zombie, 11 others still exiting").isTrue();
    assertThat(new ProcessStamp.Stat('Z', 1, 1).running()).as("every thread gone").isFalse();
    assertThat(new ProcessStamp.Stat('X', 1, 1).running()).isFalse();
  }
}
