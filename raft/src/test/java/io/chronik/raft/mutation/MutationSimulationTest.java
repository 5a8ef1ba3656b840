package io.chronik.raft.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CI's share of the mutation harness: the {@link PlantedBug#FAST} bugs, each planted in a copy of the
 * core and hunted by the ordinary swarm simulation (no unit-test run: the soak does that).
 */
@Tag("simulation")
class MutationSimulationTest {

  @Test
  void theSwarmSimulationCatchesEveryFastPlantedBug() throws Exception {
    List<PlantedBug> fast = PlantedBug.ALL.stream().filter(b -> PlantedBug.FAST.contains(b.name())).toList();
    assertThat(fast).hasSize(PlantedBug.FAST.size());
    System.out.println(MutationCampaign.HEADER);
    List<MutationCampaign.Outcome> outcomes = new MutationCampaign(1, Long.getLong("mutants.seeds", 4_000), false, 240)
        .run(fast);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.caught()).as(o.row()).isTrue());
  }
}
