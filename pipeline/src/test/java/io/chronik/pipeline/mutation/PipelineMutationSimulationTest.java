package io.chronik.pipeline.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.mutation.MutationCampaign;
import io.chronik.raft.mutation.PlantedBug;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CI's share of the pipeline's mutation harness: the {@link PlantedPipelineBugs#FAST} bugs, each
 * planted in a copy of the pipeline's sources and hunted by the ordinary swarm run of the
 * production-path simulation (no unit-test run: the soak does that).
 */
@Tag("simulation")
class PipelineMutationSimulationTest {

  @Test
  void theDriverClusterSimulationCatchesEveryFastPlantedBug() throws Exception {
    List<PlantedBug> fast = PlantedPipelineBugs.ALL.stream()
        .filter(b -> PlantedPipelineBugs.FAST.contains(b.name())).toList();
    assertThat(fast).hasSize(PlantedPipelineBugs.FAST.size());
    System.out.println(MutationCampaign.HEADER);
    List<MutationCampaign.Outcome> outcomes = new MutationCampaign(PlantedPipelineBugs.MODULE, 1,
        Long.getLong("mutants.seeds", 48), false, 240).run(fast);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.caught()).as(o.row()).isTrue());
  }
}
