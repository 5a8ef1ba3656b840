package io.chronik.broker.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.mutation.MutationCampaign;
import io.chronik.raft.mutation.PlantedBug;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every planted broker bug: the untagged unit tests of the mutated package io.chronik.broker.replication
 * (by Maven, on a copy with raft and pipeline built alongside) and the ordinary swarm run of
 * {@code BrokerSimulation} until the first failing seed. {@code -Dmutants.seeds=N} is the per-bug budget, {@code -Dmutants.only=a,b}
 * picks bugs by name, {@code -Dmutants.skipUnitTests=true} hunts only. Prints the table of
 * docs/SIMULATION.md.
 */
@Tag("soak")
class BrokerMutationSoakTest {

  @Test
  void theBrokerSimulationCatchesEveryPlantedBug() throws Exception {
    String only = System.getProperty("mutants.only", "");
    List<PlantedBug> bugs = PlantedBrokerBugs.ALL.stream()
        .filter(b -> only.isEmpty() || List.of(only.split(",")).contains(b.name())).toList();
    System.out.println(MutationCampaign.HEADER);
    List<MutationCampaign.Outcome> outcomes = new MutationCampaign(PlantedBrokerBugs.MODULE, 1,
        Long.getLong("mutants.seeds", 600), !Boolean.getBoolean("mutants.skipUnitTests"), 1_800).run(bugs);
    assertThat(outcomes).filteredOn(o -> !PlantedBrokerBugs.MASKED.containsKey(o.bug().name()))
        .allSatisfy(o -> assertThat(o.caught()).as(o.row()).isTrue());
  }
}
