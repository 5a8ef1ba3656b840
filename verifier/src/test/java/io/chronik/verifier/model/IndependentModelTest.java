package io.chronik.verifier.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.History;
import io.chronik.verifier.linearizability.LinearizabilityChecker;
import io.chronik.verifier.linearizability.LinearizabilityResult;
import io.chronik.verifier.linearizability.PartitionResult;
import io.chronik.verifier.report.Verdict;
import org.junit.jupiter.api.Test;

class IndependentModelTest {
  static final Model<?, ?> REGISTER = ModelCatalog.byName("register", null);
  static final Model<?, ?> CAS_REGISTER = ModelCatalog.byName("cas-register", null);

  @Test
  void eachKeyIsCheckedAloneAgainstTheSingleKeyModel() {
    History h = EdnHistoryReader.parse("""
        {:type :invoke :process 0 :f :write :value [1 10]}
        {:type :ok :process 0 :f :write :value [1 10]}
        {:type :invoke :process 0 :f :write :value [2 20]}
        {:type :ok :process 0 :f :write :value [2 20]}
        {:type :invoke :process 1 :f :read :value [1 nil]}
        {:type :ok :process 1 :f :read :value [1 10]}
        {:type :invoke :process 1 :f :read :value [2 nil]}
        {:type :ok :process 1 :f :read :value [2 10]}
        """);
    LinearizabilityResult r = new LinearizabilityChecker().check(IndependentModel.of(REGISTER), h);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.invalid()).extracting(PartitionResult::key).containsExactly(2L);
    assertThat(r.partitions()).hasSize(2);
  }

  @Test
  void detectedOnlyWhenEveryInvocationIsATupleTheModelReadsUnwrapped() {
    History tuples = EdnHistoryReader.parse("""
        {:type :invoke :process 0 :f :cas :value [1 [nil 2]]}
        {:type :ok :process 0 :f :cas :value [1 [nil 2]]}
        {:type :invoke :process 0 :f :read :value [1 nil]}
        """);
    assertThat(IndependentModel.looksIndependent(CAS_REGISTER, tuples.operations())).isTrue();
    History singleKeyReads = EdnHistoryReader.parse("""
        {:type :invoke :process 0 :f :write :value [1 2]}
        {:type :invoke :process 1 :f :read :value nil}
        """);
    assertThat(IndependentModel.looksIndependent(REGISTER, singleKeyReads.operations())).isFalse();
    History singleKeyCas = EdnHistoryReader.parse("""
        {:type :invoke :process 0 :f :cas :value [1 2]}
        {:type :ok :process 0 :f :cas :value [1 2]}
        """);
    assertThat(IndependentModel.looksIndependent(CAS_REGISTER, singleKeyCas.operations())).isFalse();
    assertThat(IndependentModel.looksIndependent(REGISTER, History.empty().operations())).isFalse();
  }

  @Test
  void completionForAnotherKeyNamesTheOp() {
    History h = EdnHistoryReader.parse("""
        {:index 3 :type :invoke :process 0 :f :read :value [1 nil]}
        {:index 4 :type :ok :process 0 :f :read :value [2 5]}
        """);
    assertThatThrownBy(() -> new LinearizabilityChecker().check(IndependentModel.of(REGISTER), h))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("index=3").hasMessageContaining("reason=independent-completion-key-differs completion-index=4");
  }

  @Test
  void aValueThatIsNoTupleNamesTheOp() {
    History h = EdnHistoryReader.parse("{:index 7 :type :invoke :process 0 :f :write :value 3}");
    assertThatThrownBy(() -> new LinearizabilityChecker().check(IndependentModel.of(REGISTER), h))
        .hasMessageContaining("index=7").hasMessageContaining("reason=independent-value-not-[key value]");
  }
}
