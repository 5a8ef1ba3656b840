package io.chronik.pipeline.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.mutation.MutationCampaign;
import io.chronik.raft.mutation.PlantedBug;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every planted pipeline bug: untagged unit tests of the mutated pipeline (by Maven, on a copy with
 * the raft module built alongside) and the ordinary swarm run of {@code DriverClusterSimulation} until
 * the first failing seed. {@code -Dmutants.seeds=N} is the per-bug budget, {@code -Dmutants.only=a,b}
 * picks bugs by name, {@code -Dmutants.skipUnitTests=true} hunts only. Prints the table of
 * docs/SIMULATION.md.
 */
@Tag("soak")
class PipelineMutationSoakTest {

  @Test
  void theDriverClusterSimulationCatchesEveryPlantedBug() throws Exception {
    String only = System.getProperty("mutants.only", "");
    List<PlantedBug> bugs = PlantedPipelineBugs.ALL.stream()
        .filter(b -> only.isEmpty() || List.of(only.split(",")).contains(b.name())).toList();
    System.out.println(MutationCampaign.HEADER);
    List<MutationCampaign.Outcome> outcomes = new MutationCampaign(PlantedPipelineBugs.MODULE, 1,
        Long.getLong("mutants.seeds", 2_000), !Boolean.getBoolean("mutants.skipUnitTests"), 1_800).run(bugs);
    assertThat(outcomes).filteredOn(o -> !PlantedPipelineBugs.MASKED.containsKey(o.bug().name()))
        .allSatisfy(o -> assertThat(o.caught()).as(o.row()).isTrue());
    if (only.isEmpty()) {
      assertThat(outcomes.stream().filter(MutationCampaign.Outcome::caught).count()).isGreaterThanOrEqualTo(6);
    }
  }
}
