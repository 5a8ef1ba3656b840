package io.chronik.raft.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every planted bug: untagged unit tests of the mutated module (by Maven, on a copy) and the ordinary
 * swarm simulation until the first failing seed. {@code -Dmutants.seeds=N} is the per-bug budget,
 * {@code -Dmutants.only=a,b} picks bugs by name. Prints the table of docs/SIMULATION.md.
 */
@Tag("soak")
class MutationSoakTest {

  @Test
  void theSwarmSimulationCatchesEveryPlantedBug() throws Exception {
    String only = System.getProperty("mutants.only", "");
    List<PlantedBug> bugs = PlantedBug.ALL.stream()
        .filter(b -> only.isEmpty() || List.of(only.split(",")).contains(b.name())).toList();
    System.out.println(MutationCampaign.HEADER);
    List<MutationCampaign.Outcome> outcomes = new MutationCampaign(1, Long.getLong("mutants.seeds", 4_000),
        !Boolean.getBoolean("mutants.skipUnitTests"), 1_800).run(bugs);
    assertThat(outcomes).filteredOn(o -> !PlantedBug.EQUIVALENT.containsKey(o.bug().name()))
        .allSatisfy(o -> assertThat(o.caught()).as(o.row()).isTrue());
    if (only.isEmpty()) {
      assertThat(outcomes.stream().filter(MutationCampaign.Outcome::caught).count()).isGreaterThanOrEqualTo(12);
    }
  }
}
