package io.chronik.pipeline.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.mutation.MutantBuild;
import io.chronik.raft.mutation.PlantedBug;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The pipeline's catalogue stays applicable to today's code: every snippet occurs exactly once in its file. */
class PlantedPipelineBugsTest {

  private static final Path SOURCES = Path.of("src/main/java");

  @Test
  void everyPlantedBugAppliesToTodaysSourcesExactlyOnce() throws Exception {
    for (PlantedBug bug : PlantedPipelineBugs.ALL) {
      String source = Files.readString(SOURCES.resolve(bug.file()));
      String mutated = MutantBuild.apply(bug, source);
      assertThat(mutated).as(bug.name()).isNotEqualTo(source).contains(bug.replacement());
    }
    assertThat(PlantedPipelineBugs.ALL.stream().map(PlantedBug::name).distinct()).hasSize(PlantedPipelineBugs.ALL.size());
    assertThat(PlantedPipelineBugs.ALL.stream().map(PlantedBug::name).toList())
        .containsAll(PlantedPipelineBugs.FAST).containsAll(PlantedPipelineBugs.MASKED.keySet());
    assertThat(PlantedPipelineBugs.FAST).doesNotContainAnyElementsOf(PlantedPipelineBugs.MASKED.keySet());
  }
}
