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
    List<MutationCampaign.Outcome> outcomes = new MutationCampaign(1, Long.getLong("mutants.seeds", 400), false, 240)
        .run(fast);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.caught()).as(o.row()).isTrue());
  }

  @Test
  void theUnitTestsCatchTheBugsTheSwarmNoLongerReaches() throws Exception {
    List<PlantedBug> bugs = PlantedBug.ALL.stream().filter(b -> PlantedBug.UNIT_CAUGHT.contains(b.name())).toList();
    assertThat(bugs).hasSize(PlantedBug.UNIT_CAUGHT.size());
    System.out.println(MutationCampaign.HEADER);
    List<MutationCampaign.Outcome> outcomes = new MutationCampaign(1, 1, true, 900).run(bugs);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.unitTests()).as(o.row()).startsWith("red: ")
        .doesNotContain("build failed").doesNotContain("timeout"));
  }
}
