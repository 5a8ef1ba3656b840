package io.chronik.raft.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The catalogue stays applicable to today's code: every snippet occurs exactly once in its file. */
class PlantedBugTest {

  private static final Path SOURCES = Path.of("src/main/java");

  @Test
  void everyPlantedBugAppliesToTodaysSourcesExactlyOnce() throws Exception {
    for (PlantedBug bug : PlantedBug.ALL) {
      String source = Files.readString(SOURCES.resolve(bug.file()));
      String mutated = MutantBuild.apply(bug, source);
      assertThat(mutated).as(bug.name()).isNotEqualTo(source).contains(bug.replacement());
    }
    assertThat(PlantedBug.ALL.stream().map(PlantedBug::name).distinct()).hasSize(PlantedBug.ALL.size());
    assertThat(PlantedBug.ALL.stream().map(PlantedBug::name).toList()).containsAll(PlantedBug.FAST);
  }

  @Test
  void aSnippetThatMovedFailsLoudly() {
    PlantedBug moved = new PlantedBug("moved", "x.java", "return yes > set.size() / 2;", "return true;", "test");
    assertThatThrownBy(() -> MutantBuild.apply(moved, "class X { int f() { return 0; } }"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("bug=moved").hasMessageContaining("occurrences=0");
    String twice = "return yes > set.size() / 2; return yes > set.size() / 2;";
    assertThatThrownBy(() -> MutantBuild.apply(moved, twice)).hasMessageContaining("occurrences=2+");
  }
}
