package io.chronik.broker.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.mutation.MutantBuild;
import io.chronik.raft.mutation.PlantedBug;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The broker's catalogue stays applicable to today's code: every snippet occurs exactly once in its file. */
class PlantedBrokerBugsTest {

  private static final Path SOURCES = Path.of("src/main/java");

  @Test
  void everyPlantedBugAppliesToTodaysSourcesExactlyOnce() throws Exception {
    for (PlantedBug bug : PlantedBrokerBugs.ALL) {
      String source = Files.readString(SOURCES.resolve(bug.file()));
      String mutated = MutantBuild.apply(bug, source);
      assertThat(mutated).as(bug.name()).isNotEqualTo(source).contains(bug.replacement());
    }
    assertThat(PlantedBrokerBugs.ALL.stream().map(PlantedBug::name).distinct()).hasSize(PlantedBrokerBugs.ALL.size());
    List<String> names = PlantedBrokerBugs.ALL.stream().map(PlantedBug::name).toList();
    assertThat(names).containsAll(PlantedBrokerBugs.FAST);
    // MASKED may be empty (AssertJ refuses an empty iterable to look for)
    for (String masked : PlantedBrokerBugs.MASKED.keySet()) {
      assertThat(names).contains(masked);
      assertThat(PlantedBrokerBugs.FAST).doesNotContain(masked);
    }
  }
}
