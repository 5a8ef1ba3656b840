package io.chronik.broker.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.mutation.MutationCampaign;
import io.chronik.raft.mutation.PlantedBug;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CI's share of the broker's planted bugs: the {@link PlantedBrokerBugs#FAST} bugs, each planted in a
 * copy of the broker's sources and hunted by the ordinary swarm run of the broker simulation (no
 * unit-test run: the soak does that).
 */
@Tag("simulation")
class BrokerMutationSimulationTest {

  @Test
  void theBrokerSimulationCatchesEveryFastPlantedBug() throws Exception {
    List<PlantedBug> fast = PlantedBrokerBugs.ALL.stream()
        .filter(b -> PlantedBrokerBugs.FAST.contains(b.name())).toList();
    assertThat(fast).hasSize(PlantedBrokerBugs.FAST.size());
    System.out.println(MutationCampaign.HEADER);
    List<MutationCampaign.Outcome> outcomes = new MutationCampaign(PlantedBrokerBugs.MODULE, 1,
        Long.getLong("mutants.seeds", 200), false, 240).run(fast);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.caught()).as(o.row()).isTrue());
  }
}
