package io.chronik.verifier.linearizability;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import us.bpsm.edn.Keyword;

/**
 * Streams a linearizable {@code jepsen.independent} cas-register history of any length: concurrent
 * processes run {@code :read}, {@code :write} and {@code :cas} on {@code [key value]} tuples against
 * a simulated register per key, each taking effect at a random moment between its invocation and
 * completion (so the history is linearizable by construction). A few keys are active at a time; a
 * key retires after {@code opsPerKey} history ops, as jepsen.independent's generator moves on.
 * Some operations crash ({@code :info}, effect applied or not) and their process continues under a
 * new id. Memory is the in-flight operations only.
 */
public final class IndependentRegisterGenerator {
  private static final Keyword READ = Keyword.newKeyword("read");
  private static final Keyword WRITE = Keyword.newKeyword("write");
  private static final Keyword CAS = Keyword.newKeyword("cas");

  private final Random random;
  private final Consumer<Op> sink;
  private final int opsPerKey;
  private final long[] process;
  private final Flight[] flight;
  private final long[] activeKey;
  private final int[] keyOps;
  private final List<Long> values = new ArrayList<>();
  private long nextKey;
  private long nextProcess;
  private long index;

  /** One process's operation in flight: its key, call, whether it took effect and its result. */
  private static final class Flight {
    long key;
    int slot;
    Keyword f;
    Object input;
    boolean applied;
    Object output;
    boolean ok = true;
  }

  public IndependentRegisterGenerator(long seed, int processes, int activeKeys, int opsPerKey, Consumer<Op> sink) {
    this.random = new Random(seed);
    this.sink = sink;
    this.opsPerKey = opsPerKey;
    this.process = new long[processes];
    this.flight = new Flight[processes];
    for (int p = 0; p < processes; p++) {
      process[p] = nextProcess++;
    }
    this.activeKey = new long[activeKeys];
    this.keyOps = new int[activeKeys];
    for (int k = 0; k < activeKeys; k++) {
      activeKey[k] = nextKey++;
      values.add(null);
    }
  }

  /** Emits at least {@code historyOps} ops, then completes whatever is in flight. */
  public void run(long historyOps) {
    while (index < historyOps) {
      step(random.nextInt(process.length));
    }
    for (int p = 0; p < process.length; p++) {
      while (flight[p] != null) {
        step(p);
      }
    }
  }

  private void step(int p) {
    Flight f = flight[p];
    if (f == null) {
      invoke(p);
    } else if (!f.applied && random.nextInt(3) > 0) {
      apply(f);
    } else {
      complete(p, f);
    }
  }

  private void invoke(int p) {
    int slot = random.nextInt(activeKey.length);
    if (keyOps[slot] + 2 > opsPerKey) {
      return; // the key is full; it retires once its last operation completes
    }
    keyOps[slot] += 2;
    Flight f = new Flight();
    f.key = activeKey[slot];
    f.slot = slot;
    long v = random.nextInt(5);
    switch (random.nextInt(3)) {
      case 0 -> { f.f = READ; f.input = null; }
      case 1 -> { f.f = WRITE; f.input = v; }
      default -> { f.f = CAS; f.input = List.of((long) random.nextInt(5), v); }
    }
    flight[p] = f;
    emit(Op.invoke(process[p], f.f, Arrays.asList(f.key, f.input)));
  }

  private void apply(Flight f) {
    f.applied = true;
    Long current = values.get(f.slot);
    if (f.f == READ) {
      f.output = current;
    } else if (f.f == WRITE) {
      values.set(f.slot, (Long) f.input);
      f.output = f.input;
    } else {
      List<?> cas = (List<?>) f.input;
      f.ok = Objects.equals(current, cas.get(0));
      if (f.ok) {
        values.set(f.slot, (Long) cas.get(1));
      }
      f.output = f.input;
    }
  }

  private void complete(int p, Flight f) {
    flight[p] = null;
    boolean crash = random.nextInt(50) == 0;
    // cas-register reads a failed cas as "the compare failed" (evidence), so a cas that never ran
    // cannot fail: it ends indeterminate.
    if (crash || !f.applied && (f.f == CAS || f.f == WRITE && random.nextBoolean())) {
      // Indeterminate: applied or not, the caller cannot tell; the process continues under a new id.
      emit(Op.complete(OpType.INFO, process[p], f.f, Arrays.asList(f.key, f.input)));
      process[p] = nextProcess++;
    } else if (!f.applied) {
      emit(Op.complete(OpType.FAIL, process[p], f.f, Arrays.asList(f.key, f.input)));
    } else {
      emit(Op.complete(f.ok ? OpType.OK : OpType.FAIL, process[p], f.f, Arrays.asList(f.key, f.output)));
    }
    retireIfDone(f.slot);
  }

  private void retireIfDone(int slot) {
    if (keyOps[slot] + 2 <= opsPerKey) {
      return;
    }
    for (Flight other : flight) {
      if (other != null && other.slot == slot) {
        return;
      }
    }
    activeKey[slot] = nextKey++;
    keyOps[slot] = 0;
    values.set(slot, null);
  }

  private void emit(Op op) {
    sink.accept(op.withIndex(index++).withTime(index * 1000));
  }

  /** Keys started so far. */
  public long keys() {
    return nextKey;
  }
}
