package io.chronik.verifier.linearizability;

import io.chronik.verifier.report.Verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.History;
import io.chronik.verifier.history.OpType;
import io.chronik.verifier.linearizability.HistoryGenerator.Planned;
import io.chronik.verifier.model.FailurePolicy;
import io.chronik.verifier.model.KeyValueModel;
import io.chronik.verifier.model.LogModel;
import io.chronik.verifier.model.Model;
import io.chronik.verifier.model.MutexModel;
import io.chronik.verifier.model.QueueModel;
import io.chronik.verifier.model.RegisterModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.Keyword;

/**
 * Properties: a history generated from a sequential execution is always linearizable; on small random
 * histories the search agrees with the brute-force definition. Failures name the seed.
 */
class LinearizabilityPropertyTest {
  static final Keyword READ = Keyword.newKeyword("read");
  static final Keyword WRITE = Keyword.newKeyword("write");
  static final Keyword CAS = Keyword.newKeyword("cas");
  static final Keyword TIMED_OUT = Keyword.newKeyword("timed-out");
  static final long BASE_SEED = Long.getLong("chronik.seed", 20261128L);

  final LinearizabilityChecker checker = new LinearizabilityChecker();

  @Test
  void sequentialCasRegisterExecutionsAreLinearizable() {
    for (int round = 0; round < 200; round++) {
      long seed = BASE_SEED + round;
      Random random = new Random(seed);
      List<Planned> plan = new ArrayList<>();
      Long value = null;
      for (int i = 0; i < 40 + random.nextInt(200); i++) {
        boolean info = random.nextInt(20) == 0;
        switch (random.nextInt(3)) {
          case 0 -> plan.add(new Planned(READ, null, info ? OpType.FAIL : OpType.OK, info ? TIMED_OUT : value));
          case 1 -> {
            value = (long) random.nextInt(5);
            plan.add(new Planned(WRITE, value, info ? OpType.INFO : OpType.OK, info ? TIMED_OUT : value));
          }
          default -> {
            Long expected = (long) random.nextInt(5);
            Long update = (long) random.nextInt(5);
            List<Long> arg = List.of(expected, update);
            boolean swapped = expected.equals(value);
            if (swapped) {
              value = update;
            }
            plan.add(new Planned(CAS, arg, info ? OpType.INFO : swapped ? OpType.OK : OpType.FAIL, info ? TIMED_OUT : arg));
          }
        }
      }
      History h = HistoryGenerator.concurrent(plan, random, 40);
      for (FailurePolicy policy : FailurePolicy.values()) {
        assertThat(checker.check(new RegisterModel(true, policy), h).verdict()).as("seed=%d policy=%s", seed, policy)
            .isEqualTo(Verdict.VALID);
      }
    }
  }

  @Test
  void sequentialKeyValueExecutionsAreLinearizableWithAndWithoutPartitions() {
    Keyword get = Keyword.newKeyword("get");
    Keyword put = Keyword.newKeyword("put");
    Keyword append = Keyword.newKeyword("append");
    for (int round = 0; round < 50; round++) {
      long seed = BASE_SEED + 1000 + round;
      Random random = new Random(seed);
      Map<String, String> store = new HashMap<>();
      List<Planned> plan = new ArrayList<>();
      for (int i = 0; i < 30 + random.nextInt(150); i++) {
        String key = String.valueOf(random.nextInt(4));
        String arg = "x" + random.nextInt(3);
        switch (random.nextInt(3)) {
          case 0 -> plan.add(new Planned(get, pair(key, null), OpType.OK, pair(key, store.getOrDefault(key, ""))));
          case 1 -> {
            store.put(key, arg);
            plan.add(new Planned(put, pair(key, arg), OpType.OK, pair(key, arg)));
          }
          default -> {
            store.merge(key, arg, String::concat);
            plan.add(new Planned(append, pair(key, arg), OpType.OK, pair(key, arg)));
          }
        }
      }
      History h = HistoryGenerator.concurrent(plan, random, 30);
      assertThat(checker.check(new KeyValueModel(true, FailurePolicy.EVIDENCE), h).verdict()).as("seed=%d", seed)
          .isEqualTo(Verdict.VALID);
      assertThat(checker.check(new KeyValueModel(false, FailurePolicy.EVIDENCE), h).verdict()).as("seed=%d", seed)
          .isEqualTo(Verdict.VALID);
    }
  }

  @Test
  void sequentialQueueAndLogExecutionsAreLinearizable() {
    Keyword enqueue = Keyword.newKeyword("enqueue");
    Keyword dequeue = Keyword.newKeyword("dequeue");
    Keyword appendF = Keyword.newKeyword("append");
    for (int round = 0; round < 50; round++) {
      long seed = BASE_SEED + 2000 + round;
      Random random = new Random(seed);
      ArrayDeque<Long> queue = new ArrayDeque<>();
      List<Long> log = new ArrayList<>();
      List<Planned> queuePlan = new ArrayList<>();
      List<Planned> logPlan = new ArrayList<>();
      for (int i = 0; i < 20 + random.nextInt(60); i++) {
        long v = i;
        if (queue.isEmpty() || random.nextBoolean()) {
          queue.add(v);
          queuePlan.add(new Planned(enqueue, v, OpType.OK, v));
        } else {
          queuePlan.add(new Planned(dequeue, null, OpType.OK, queue.poll()));
        }
        if (random.nextInt(3) > 0) {
          boolean info = random.nextInt(10) == 0;
          logPlan.add(new Planned(appendF, v, info ? OpType.INFO : OpType.OK, info ? null : (long) log.size()));
          log.add(v);
        } else {
          long start = random.nextInt(log.size() + 1);
          logPlan.add(new Planned(READ, java.util.Arrays.asList(start, null), OpType.OK,
              List.copyOf(log.subList((int) start, log.size()))));
        }
      }
      History q = HistoryGenerator.concurrent(queuePlan, random, 25);
      assertThat(checker.check(new QueueModel(true), q).verdict()).as("seed=%d fifo", seed).isEqualTo(Verdict.VALID);
      assertThat(checker.check(new QueueModel(false), q).verdict()).as("seed=%d unordered", seed).isEqualTo(Verdict.VALID);
      History l = HistoryGenerator.concurrent(logPlan, random, 25);
      assertThat(checker.check(new LogModel(FailurePolicy.DID_NOT_HAPPEN), l).verdict()).as("seed=%d log", seed)
          .isEqualTo(Verdict.VALID);
    }
  }

  @Test
  void smallRandomCasRegisterHistoriesAgreeWithBruteForce() {
    int illegal = 0;
    for (int round = 0; round < 3000; round++) {
      long seed = BASE_SEED + 5000 + round;
      Random random = new Random(seed);
      List<Planned> plan = new ArrayList<>();
      for (int i = 0; i < 2 + random.nextInt(6); i++) {
        OpType outcome = randomOutcome(random);
        Long v = random.nextInt(4) == 0 ? null : (long) random.nextInt(3);
        switch (random.nextInt(3)) {
          case 0 -> plan.add(new Planned(READ, null, outcome, v));
          case 1 -> plan.add(new Planned(WRITE, v, outcome, v));
          default -> {
            List<Long> arg = java.util.Arrays.asList((long) random.nextInt(3), (long) random.nextInt(3));
            plan.add(new Planned(CAS, arg, outcome, arg));
          }
        }
      }
      History h = HistoryGenerator.concurrent(plan, random, 25);
      for (FailurePolicy policy : FailurePolicy.values()) {
        illegal += agree(new RegisterModel(true, policy), h, seed) ? 0 : 1;
      }
    }
    // the generator must produce both verdicts, or the comparison proves little
    assertThat(illegal).isBetween(100, 5900);
  }

  @Test
  void smallRandomMutexAndQueueHistoriesAgreeWithBruteForce() {
    Keyword acquire = Keyword.newKeyword("acquire");
    Keyword release = Keyword.newKeyword("release");
    Keyword enqueue = Keyword.newKeyword("enqueue");
    Keyword dequeue = Keyword.newKeyword("dequeue");
    int illegal = 0;
    for (int round = 0; round < 1500; round++) {
      long seed = BASE_SEED + 9000 + round;
      Random random = new Random(seed);
      List<Planned> locks = new ArrayList<>();
      List<Planned> queue = new ArrayList<>();
      for (int i = 0; i < 2 + random.nextInt(6); i++) {
        OpType outcome = randomOutcome(random);
        locks.add(new Planned(random.nextBoolean() ? acquire : release, null, outcome, null));
        long v = random.nextInt(3);
        queue.add(random.nextBoolean() ? new Planned(enqueue, v, outcome, v) : new Planned(dequeue, null, outcome, v));
      }
      History lockHistory = HistoryGenerator.concurrent(locks, random, 25);
      History queueHistory = HistoryGenerator.concurrent(queue, random, 25);
      illegal += agree(new MutexModel(FailurePolicy.DID_NOT_HAPPEN), lockHistory, seed) ? 0 : 1;
      illegal += agree(new QueueModel(true), queueHistory, seed) ? 0 : 1;
      illegal += agree(new QueueModel(false), queueHistory, seed) ? 0 : 1;
    }
    assertThat(illegal).isBetween(100, 4400);
  }

  private static OpType randomOutcome(Random random) {
    int r = random.nextInt(10);
    return r < 6 ? OpType.OK : r < 8 ? OpType.FAIL : OpType.INFO;
  }

  /** Asserts agreement; returns the (shared) verdict as "linearizable". */
  private <S, C> boolean agree(Model<S, C> model, History h, long seed) {
    boolean expected = BruteForceChecker.linearizable(model, h);
    Verdict got = checker.check(model, h).verdict();
    assertThat(got).as("seed=%d model=%s history=%s", seed, model.name(), h.ops())
        .isEqualTo(expected ? Verdict.VALID : Verdict.INVALID);
    return expected;
  }

  private static List<Object> pair(String key, String value) {
    List<Object> tuple = new ArrayList<>();
    tuple.add(key);
    tuple.add(value);
    return tuple;
  }

}
