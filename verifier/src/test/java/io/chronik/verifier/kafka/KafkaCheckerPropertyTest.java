package io.chronik.verifier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Histories of a simulated correct log are always valid; mutating one (dropping an acknowledged
 * value from every poll, duplicating a value, swapping two offsets) yields the matching anomaly.
 * Every assertion names its seed, so a failure is reproduced with {@code generate(seed, ...)}.
 */
class KafkaCheckerPropertyTest {
  static final int SEEDS = 150;
  static final KafkaCheckOptions FINAL_READS = KafkaCheckOptions.defaults().withUnseenIsError(true);

  static List<Op> history(long seed) {
    Random r = new Random(seed);
    return KafkaHistoryGenerator.generate(seed, 2 + r.nextInt(6), 1 + r.nextInt(12), 50 + r.nextInt(400));
  }

  @Test
  void simulatedCorrectLogsAreAlwaysValid() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      CheckResult r = KafkaChecker.check(KafkaHistory.of(history(seed)), FINAL_READS);
      assertThat(r.verdict()).as("seed=%d cases=%s", seed, r.cases()).isEqualTo(Verdict.VALID);
      assertThat(r.counts()).as("seed=%d", seed).isEmpty();
    }
  }

  /** A value live polls read but the complete final polls from the beginning do not: the log lost it. */
  @Test
  void aValueMissingOnlyFromTheFinalPollsHasVanished() {
    int mutated = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Op> ops = history(seed);
      int finalAssign = -1;
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i).f().getName().equals("assign") && Boolean.TRUE.equals(ops.get(i).extra().get(KafkaHistoryGenerator.SEEK))) {
          finalAssign = i;
        }
      }
      long[] victim = pickOkSend(ops, new Random(seed), false);
      if (victim == null || finalAssign < 0) {
        continue;
      }
      boolean[] readBefore = {false};
      mapPolls(ops.subList(0, finalAssign), (k, pairs) -> readBefore[0] |= k == victim[0]
          && pairs.stream().anyMatch(p -> ((Long) p.get(1)) == victim[2]));
      if (!readBefore[0]) {
        continue;
      }
      List<Op> bad = new ArrayList<>(ops.subList(0, finalAssign));
      bad.addAll(mapPolls(ops.subList(finalAssign, ops.size()), (k, pairs) -> {
        if (k == victim[0]) {
          pairs.removeIf(p -> ((Long) p.get(1)) == victim[2]);
        }
      }));
      CheckResult r = KafkaChecker.check(KafkaHistory.of(bad), FINAL_READS);
      assertThat(r.verdict()).as("seed=%d victim=%s", seed, java.util.Arrays.toString(victim)).isEqualTo(Verdict.INVALID);
      assertThat(r.cases().get("vanished")).as("seed=%d cases=%s", seed, r.cases())
          .isNotNull().anySatisfy(a -> assertThat(a.detail().get("value")).isEqualTo(victim[2]));
      assertThat(KafkaChecker.check(KafkaHistory.of(bad), KafkaCheckOptions.defaults()).counts())
          .as("seed=%d: without complete final reads nothing is judged from them", seed).doesNotContainKey("vanished");
      mutated++;
    }
    assertThat(mutated).isGreaterThan(SEEDS / 4);
  }

  @Test
  void droppingAnAcknowledgedValueIsALostWrite() {
    int mutated = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Op> ops = history(seed);
      long[] victim = pickOkSend(ops, new Random(seed), true);
      if (victim == null) {
        continue;
      }
      List<Op> bad = mapPolls(ops, (k, pairs) -> {
        if (k == victim[0]) {
          pairs.removeIf(p -> ((Long) p.get(1)) == victim[2]);
        }
      });
      CheckResult r = KafkaChecker.check(KafkaHistory.of(bad), FINAL_READS);
      assertThat(r.verdict()).as("seed=%d victim=%s", seed, java.util.Arrays.toString(victim)).isEqualTo(Verdict.INVALID);
      assertThat(r.counts()).as("seed=%d victim=%s", seed, java.util.Arrays.toString(victim)).containsKey("lost-write");
      assertThat(r.cases().get("lost-write")).as("seed=%d", seed)
          .anySatisfy(a -> assertThat(a.detail().get("value")).isEqualTo(victim[2]));
      mutated++;
    }
    assertThat(mutated).isGreaterThan(SEEDS / 2);
  }

  @Test
  void readingAValueTwiceAtTwoOffsetsIsADuplicate() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Op> ops = history(seed);
      long[] victim = pickOkSend(ops, new Random(seed), false);
      if (victim == null) {
        continue;
      }
      int lastPoll = lastPollOf(ops, victim[0]);
      List<Op> bad = new ArrayList<>(ops);
      bad.set(lastPoll, rewritePolls(ops.get(lastPoll), (k, pairs) -> {
        if (k == victim[0]) {
          long next = (Long) pairs.get(pairs.size() - 1).get(0) + 1;
          pairs.add(List.of(next, victim[2]));
        }
      }));
      CheckResult r = KafkaChecker.check(KafkaHistory.of(bad), FINAL_READS);
      assertThat(r.counts()).as("seed=%d victim=%s", seed, java.util.Arrays.toString(victim)).containsKey("duplicate");
      assertThat(r.verdict()).as("seed=%d", seed).isEqualTo(Verdict.INVALID);
    }
  }

  @Test
  void swappingTwoAcknowledgedOffsetsIsInconsistent() {
    int mutated = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Op> ops = history(seed);
      Random rnd = new Random(seed);
      long[] a = pickOkSend(ops, rnd, false);
      if (a == null) {
        continue;
      }
      int other = -1;
      for (int i = 0; i < ops.size() && other < 0; i++) {
        long[] s = okSend(ops.get(i));
        if (s != null && s[0] == a[0] && s[1] != a[1]) {
          other = i;
        }
      }
      if (other < 0) {
        continue;
      }
      long[] b = okSend(ops.get(other));
      List<Op> bad = new ArrayList<>(ops);
      bad.set((int) a[3], withSend(ops.get((int) a[3]), a[0], b[1], a[2]));
      bad.set(other, withSend(ops.get(other), b[0], a[1], b[2]));
      CheckResult r = KafkaChecker.check(KafkaHistory.of(bad), FINAL_READS);
      assertThat(r.counts()).as("seed=%d a=%s", seed, java.util.Arrays.toString(a)).containsKey("inconsistent-offsets");
      assertThat(r.verdict()).as("seed=%d", seed).isEqualTo(Verdict.INVALID);
      mutated++;
    }
    assertThat(mutated).isGreaterThan(SEEDS / 2);
  }

  /** {key, offset, value, op position} of an OK single-send completion, or null. */
  static long[] okSend(Op op) {
    if (op.type() != OpType.OK || !op.f().getName().equals("send")) {
      return null;
    }
    List<?> mop = (List<?>) ((List<?>) op.value()).get(0);
    List<?> pair = (List<?>) mop.get(2);
    return new long[] {(Long) mop.get(1), (Long) pair.get(0), (Long) pair.get(1), -1};
  }

  /** A random OK send; with {@code notLast}, one that is not the last offset of its key. */
  static long[] pickOkSend(List<Op> ops, Random rnd, boolean notLast) {
    Map<Long, Long> maxOffset = new LinkedHashMap<>();
    List<long[]> sends = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      long[] s = okSend(ops.get(i));
      if (s != null) {
        s[3] = i;
        sends.add(s);
        maxOffset.merge(s[0], s[1], Math::max);
      }
    }
    if (notLast) {
      sends.removeIf(s -> s[1] == maxOffset.get(s[0]));
    }
    return sends.isEmpty() ? null : sends.get(rnd.nextInt(sends.size()));
  }

  static Op withSend(Op op, long key, long offset, long value) {
    List<Object> v = List.of(List.of(KafkaHistoryGenerator.SEND, key, List.of(offset, value)));
    return new Op(op.index(), op.timeNanos(), op.type(), op.process(), op.processName(), op.f(), v, op.extra());
  }

  interface PairsEdit {
    void edit(long key, List<List<Object>> pairs);
  }

  static int lastPollOf(List<Op> ops, long key) {
    for (int i = ops.size() - 1; i >= 0; i--) {
      Op op = ops.get(i);
      if (op.type() == OpType.OK && op.f().getName().equals("poll")) {
        Map<?, ?> m = (Map<?, ?>) ((List<?>) ((List<?>) op.value()).get(0)).get(1);
        if (m.containsKey(key)) {
          return i;
        }
      }
    }
    throw new IllegalStateException("no poll of key " + key);
  }

  static List<Op> mapPolls(List<Op> ops, PairsEdit edit) {
    List<Op> out = new ArrayList<>(ops.size());
    for (Op op : ops) {
      out.add(op.type() == OpType.OK && op.f().getName().equals("poll") ? rewritePolls(op, edit) : op);
    }
    return out;
  }

  static Op rewritePolls(Op op, PairsEdit edit) {
    Map<?, ?> m = (Map<?, ?>) ((List<?>) ((List<?>) op.value()).get(0)).get(1);
    Map<Object, Object> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      List<List<Object>> pairs = new ArrayList<>();
      for (Object p : (List<?>) v) {
        pairs.add(new ArrayList<>((List<?>) p));
      }
      edit.edit((Long) k, pairs);
      copy.put(k, pairs);
    });
    List<Object> value = List.of(List.of(KafkaHistoryGenerator.POLL, copy));
    return new Op(op.index(), op.timeNanos(), op.type(), op.process(), op.processName(), op.f(), value, op.extra());
  }
}
