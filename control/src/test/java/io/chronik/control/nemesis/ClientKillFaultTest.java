package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientKillFaultTest {
  private static final List<String> NODES = List.of("n1", "n2", "n3");
  private static final List<String> CLIENTS = List.of("p1", "p2", "c1", "c2");

  private static Draw draw(long seed, List<String> clients) {
    return new Draw(NODES, new Random(seed), List.of(), clients);
  }

  /** The calls faults make, in order; kill and start answer as the real fleet does. */
  private static final class RecordingFleet implements ClientFleet {
    final List<String> calls = new ArrayList<>();

    @Override
    public List<String> names() {
      return CLIENTS;
    }

    @Override
    public String kill(String client) {
      calls.add("kill " + client);
      return client + " pid=1 exit=137";
    }

    @Override
    public String start(String client) {
      calls.add("start " + client);
      return client + " pid=2";
    }
  }

  @Test
  void clientKillHitsOneSeededClientAndAPlansDrawsSpreadOverTheClients() {
    Fault one = FaultRegistry.find("client-kill").orElseThrow();
    Draw plan = draw(7, CLIENTS);
    Draw replay = draw(7, CLIENTS);
    Set<String> hit = new HashSet<>();
    for (int step = 0; step < 40; step++) {
      List<String> targets = one.pick(plan).targets();
      assertThat(targets).hasSize(1).isSubsetOf(CLIENTS);
      assertThat(one.pick(replay).targets()).as("step %d replays with the seed", step).isEqualTo(targets);
      hit.addAll(targets);
    }
    assertThat(hit).containsExactlyInAnyOrderElementsOf(CLIENTS);
    assertThat(FaultRegistry.find("client-kill-all").orElseThrow().pick(draw(3, CLIENTS)).targets())
        .containsExactlyElementsOf(CLIENTS);
  }

  @Test
  void aWorkloadWithoutClientProcessesRefusesIt() {
    for (String name : List.of("client-kill", "client-kill-all")) {
      Fault f = FaultRegistry.find(name).orElseThrow();
      assertThat(f.needsClientProcesses()).isTrue();
      assertThat(f.problem(draw(1, List.of()))).isEqualTo("fault=" + name
          + " reason=workload-without-client-processes");
      assertThat(f.problem(draw(1, CLIENTS))).isNull();
    }
  }

  @Test
  void itKillsTheTargetsThroughTheTestbedsClientsAndStartsThemWhenHealed() {
    RecordingFleet fleet = new RecordingFleet();
    RecordingTestbed bed = new RecordingTestbed();
    bed.fleet = fleet;
    Fault all = FaultRegistry.find("client-kill-all").orElseThrow();
    Injection everyone = Injection.of(List.of("p2", "c1"));
    assertThat(all.start(everyone, bed)).isEqualTo("killed=[p2 pid=1 exit=137, c1 pid=1 exit=137]");
    assertThat(all.heal(everyone, bed)).isEqualTo("started=[p2 pid=2, c1 pid=2]");
    assertThat(fleet.calls).containsExactly("kill p2", "kill c1", "start p2", "start c1");
    assertThat(bed.calls).as("no node touched").isEmpty();
  }
}
