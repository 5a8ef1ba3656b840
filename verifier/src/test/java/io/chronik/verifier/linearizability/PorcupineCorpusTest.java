package io.chronik.verifier.linearizability;

import io.chronik.verifier.report.Verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.History;
import io.chronik.verifier.history.PorcupineLogReader;
import io.chronik.verifier.model.FailurePolicy;
import io.chronik.verifier.model.KeyValueModel;
import io.chronik.verifier.model.RegisterModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Verdict agreement with upstream Porcupine on every reference history (expected-verdicts.tsv). */
class PorcupineCorpusTest {

  static Stream<Arguments> expectedVerdicts() throws Exception {
    Path root = ReferenceHistories.porcupine();
    List<String> lines = Files.readAllLines(root.resolve("expected-verdicts.tsv"));
    return lines.stream().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split("\t"))
        .map(f -> Arguments.of(f[0], f[1]));
  }

  @ParameterizedTest(name = "{0} linearizable={1}")
  @MethodSource("expectedVerdicts")
  void verdictAgreesWithUpstream(String file, String expected) throws Exception {
    Path path = ReferenceHistories.porcupine().resolve(file);
    LinearizabilityChecker checker = new LinearizabilityChecker();
    LinearizabilityResult result;
    History h;
    if (file.startsWith("jepsen/")) {
      h = PorcupineLogReader.readEtcd(path);
      result = checker.check(new RegisterModel(true, FailurePolicy.EVIDENCE), h);
    } else {
      h = PorcupineLogReader.readKv(path);
      result = checker.check(new KeyValueModel(true, FailurePolicy.EVIDENCE), h);
    }
    Verdict want = switch (expected) {
      case "true" -> Verdict.VALID;
      case "none" -> {
        // the empty etcd_095: an empty history is trivially linearizable
        assertThat(h.size()).isZero();
        yield Verdict.VALID;
      }
      case "false" -> Verdict.INVALID;
      default -> throw new IllegalArgumentException("expected=" + expected);
    };
    assertThat(result.verdict()).as(file).isEqualTo(want);
    if (want == Verdict.INVALID) {
      PartitionResult bad = result.invalid().get(0);
      assertThat(bad.offending()).isNotNull();
      assertThat(bad.longestPrefix()).doesNotContain(bad.offending());
    }
  }
}
