package io.chronik.verifier.linearizability;

import io.chronik.verifier.report.Verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.History;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import io.chronik.verifier.model.FailurePolicy;
import io.chronik.verifier.model.KeyValueModel;
import io.chronik.verifier.model.RegisterModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.Keyword;

class LinearizabilityCheckerTest {
  static final Keyword WRITE = Keyword.newKeyword("write");
  static final Keyword READ = Keyword.newKeyword("read");

  @Test
  void staleReadIsIllegalWithPrefixAndOffendingOp() {
    History h = EdnHistoryReader.parse("""
        {:type :invoke :process 0 :f :write :value 1}
        {:type :ok :process 0 :f :write :value 1}
        {:type :invoke :process 1 :f :write :value 2}
        {:type :ok :process 1 :f :write :value 2}
        {:type :invoke :process 0 :f :read :value nil}
        {:type :ok :process 0 :f :read :value 1}
        """);
    LinearizabilityResult r = new LinearizabilityChecker().check(new RegisterModel(false, FailurePolicy.DID_NOT_HAPPEN), h);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    PartitionResult p = r.invalid().get(0);
    assertThat(p.longestPrefix()).extracting(o -> o.input()).containsExactly(1L, 2L);
    assertThat(p.offending().f()).isEqualTo(READ);
    assertThat(p.offending().output()).isEqualTo(1L);
  }

  @Test
  void concurrentWriteMakesTheSameReadLegal() {
    History h = EdnHistoryReader.parse("""
        {:type :invoke :process 0 :f :write :value 1}
        {:type :ok :process 0 :f :write :value 1}
        {:type :invoke :process 1 :f :write :value 2}
        {:type :invoke :process 0 :f :read :value nil}
        {:type :ok :process 0 :f :read :value 1}
        {:type :ok :process 1 :f :write :value 2}
        """);
    assertThat(new LinearizabilityChecker().check(new RegisterModel(false, FailurePolicy.DID_NOT_HAPPEN), h).verdict())
        .isEqualTo(Verdict.VALID);
  }

  @Test
  void longHistoryIsCheckedWithoutRecursionInBoundedMemory() {
    List<Op> ops = new ArrayList<>();
    int n = 300_000;
    for (long i = 0; i < n; i++) {
      long process = i % 3;
      ops.add(Op.invoke(process, WRITE, i));
      ops.add(Op.complete(OpType.OK, process, WRITE, i));
      ops.add(Op.invoke(process, READ, null));
      ops.add(Op.complete(OpType.OK, process, READ, i));
    }
    History h = History.indexed(ops);
    LinearizabilityResult r = new LinearizabilityChecker().check(new RegisterModel(false, FailurePolicy.DID_NOT_HAPPEN), h);
    assertThat(r.verdict()).isEqualTo(Verdict.VALID);
    assertThat(r.partitions().get(0).operations()).hasSize(2 * n);
  }

  @Test
  void illegalPartitionIsReportedAmongLegalOnes() {
    List<Op> ops = new ArrayList<>();
    Keyword put = Keyword.newKeyword("put");
    Keyword get = Keyword.newKeyword("get");
    for (int k = 0; k < 8; k++) {
      String key = "k" + k;
      ops.add(Op.invoke(k, put, List.of(key, "a")));
      ops.add(Op.complete(OpType.OK, k, put, List.of(key, "a")));
      ops.add(Op.invoke(k, get, java.util.Arrays.asList(key, null)));
      ops.add(Op.complete(OpType.OK, k, get, List.of(key, k == 5 ? "b" : "a")));
    }
    LinearizabilityResult r = new LinearizabilityChecker().check(new KeyValueModel(true, FailurePolicy.EVIDENCE), History.indexed(ops));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.partitions()).hasSize(8);
    assertThat(r.invalid()).extracting(PartitionResult::key).containsExactly("k5");
  }
}
