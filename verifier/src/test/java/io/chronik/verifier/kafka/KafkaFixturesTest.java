package io.chronik.verifier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.report.CheckResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Every hand-written history under histories/fixtures/kafka yields exactly its expected result. */
class KafkaFixturesTest {
  static final Path DIR = Path.of("..", "histories", "fixtures", "kafka");

  static Map<?, ?> expected() throws IOException {
    return (Map<?, ?>) Parsers.newParser(Parsers.defaultConfiguration())
        .nextValue(Parsers.newParseable(Files.readString(DIR.resolve("expected.edn"))));
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
  Stream<DynamicTest> fixturesYieldTheirExpectedResult() throws IOException {
    return expected().entrySet().stream().map(e -> DynamicTest.dynamicTest((String) e.getKey(), () -> {
      Map<?, ?> want = (Map<?, ?>) e.getValue();
      boolean unseenIsError = Boolean.TRUE.equals(want.get(Keyword.newKeyword("unseen-is-error")));
      KafkaHistory h = KafkaHistory.read(DIR.resolve(e.getKey() + ".edn"));
      CheckResult r = KafkaChecker.check(h, KafkaCheckOptions.defaults().withUnseenIsError(unseenIsError));
      Set<String> wantTypes = ((List<?>) want.get(Keyword.newKeyword("anomalies"))).stream()
          .map(k -> ((Keyword) k).getName()).collect(Collectors.toCollection(TreeSet::new));
      assertThat(r.counts().keySet()).as("anomaly types, cases=%s", r.cases()).isEqualTo(wantTypes);
      assertThat(r.verdict().ednValid()).as("verdict, cases=%s", r.cases())
          .isEqualTo(want.get(Keyword.newKeyword("valid?")));
      r.cases().values().stream().flatMap(List::stream)
          .forEach(a -> assertThat(a.opIds()).as("ops shown for %s", a).isNotEmpty());
    }));
  }
}
