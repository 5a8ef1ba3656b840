package io.chronik.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.parser.Parsers;

/**
 * Every history under histories/fixtures/shapes (one per input shape the reader takes) gives its
 * expected verdict through {@code chronik check}, and independent ones are said to be detected.
 */
class HistoryShapesFixturesTest {
  static final Path DIR = Path.of("..", "histories", "fixtures", "shapes");

  static Map<?, ?> expected() throws IOException {
    return (Map<?, ?>) Parsers.newParser(Parsers.defaultConfiguration())
        .nextValue(Parsers.newParseable(Files.readString(DIR.resolve("expected.edn"))));
  }

  private static Object get(Map<?, ?> m, String key) {
    return m.get(Keyword.newKeyword(key));
  }

  @Test
  void everyFixtureHasAnExpectation() throws IOException {
    Set<String> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("expected.edn"))
          .map(n -> n.replaceFirst("\\.edn$", "")).collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(new TreeSet<>(expected().keySet().stream().map(Object::toString).toList())).isEqualTo(files);
  }

  @TestFactory
  Stream<DynamicTest> everyShapeGivesItsExpectedVerdict() throws IOException {
    return expected().entrySet().stream().map(e -> DynamicTest.dynamicTest((String) e.getKey(), () -> {
      Map<?, ?> want = (Map<?, ?>) e.getValue();
      List<String> args = new ArrayList<>(List.of(DIR.resolve(e.getKey() + ".edn").toString(),
          "--model", (String) get(want, "model")));
      if (get(want, "args") instanceof List<?> extra) {
        extra.forEach(a -> args.add((String) a));
      }
      CheckCommandTest.Run r = CheckCommandTest.run(args.toArray(String[]::new));
      Object valid = get(want, "valid?");
      int code = Boolean.TRUE.equals(valid) ? 0 : Boolean.FALSE.equals(valid) ? 1 : 2;
      assertThat(r.code()).as("out=%s err=%s", r.out(), r.err()).isEqualTo(code);
      boolean independent = Boolean.TRUE.equals(get(want, "independent"));
      assertThat(r.err().contains("independent=detected")).as(r.err()).isEqualTo(independent);
    }));
  }

  @Test
  void independentTuplesCheckedAsOneObjectWhenDetectionIsOff() {
    CheckCommandTest.Run r = CheckCommandTest.run(DIR.resolve("independent-tuples-valid.edn").toString(),
        "--model", "register", "--no-independent");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
  }
}
