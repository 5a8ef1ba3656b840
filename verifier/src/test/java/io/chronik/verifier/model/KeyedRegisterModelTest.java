package io.chronik.verifier.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.History;
import io.chronik.verifier.linearizability.LinearizabilityResult;
import io.chronik.verifier.linearizability.LinearizabilityChecker;
import io.chronik.verifier.report.Verdict;
import org.junit.jupiter.api.Test;

class KeyedRegisterModelTest {
  private static LinearizabilityResult check(String edn) {
    History h = EdnHistoryReader.parse(edn);
    return new LinearizabilityChecker().check(ModelCatalog.byName("keyed-register", null), h);
  }

  @Test
  void readOfAnOverwrittenValueIsIllegalOnlyForItsKey() {
    LinearizabilityResult r = check("""
        {:type :invoke :process 0 :f :write :value [["g" 0] 5]}
        {:type :ok :process 0 :f :write :value [["g" 0] 5]}
        {:type :invoke :process 0 :f :write :value [["g" 0] 7]}
        {:type :ok :process 0 :f :write :value [["g" 0] 7]}
        {:type :invoke :process 1 :f :write :value [["g" 1] 5]}
        {:type :ok :process 1 :f :write :value [["g" 1] 5]}
        {:type :invoke :process 1 :f :read :value [["g" 1] nil]}
        {:type :ok :process 1 :f :read :value [["g" 1] 5]}
        {:type :invoke :process 0 :f :read :value [["g" 0] nil]}
        {:type :ok :process 0 :f :read :value [["g" 0] 5]}
        """);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.partitions()).hasSize(2);
    assertThat(r.invalid()).singleElement().satisfies(p -> assertThat(String.valueOf(p.key())).contains("0"));
  }

  @Test
  void unwrittenKeyReadsNilAndAnOpenWriteMayLandLater() {
    LinearizabilityResult r = check("""
        {:type :invoke :process 0 :f :read :value [["g" 0] nil]}
        {:type :ok :process 0 :f :read :value [["g" 0] nil]}
        {:type :invoke :process 1 :f :write :value [["g" 0] 9]}
        {:type :info :process 1 :f :write :value [["g" 0] 9]}
        {:type :invoke :process 0 :f :read :value [["g" 0] nil]}
        {:type :ok :process 0 :f :read :value [["g" 0] nil]}
        {:type :invoke :process 0 :f :read :value [["g" 0] nil]}
        {:type :ok :process 0 :f :read :value [["g" 0] 9]}
        """);
    assertThat(r.verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void failedWriteDidNotHappen() {
    LinearizabilityResult r = check("""
        {:type :invoke :process 1 :f :write :value [["g" 0] 9]}
        {:type :fail :process 1 :f :write :value [["g" 0] 9]}
        {:type :invoke :process 0 :f :read :value [["g" 0] nil]}
        {:type :ok :process 0 :f :read :value [["g" 0] 9]}
        """);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
  }

  @Test
  void readOfAnotherKeysTupleIsRejected() {
    assertThatThrownBy(() -> check("""
        {:type :invoke :process 0 :f :read :value [["g" 0] nil]}
        {:type :ok :process 0 :f :read :value [["g" 1] 3]}
        """)).isInstanceOf(ModelException.class).hasMessageContaining("same-key");
  }
}
