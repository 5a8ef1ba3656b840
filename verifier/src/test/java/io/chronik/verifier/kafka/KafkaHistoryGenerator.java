package io.chronik.verifier.kafka;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import us.bpsm.edn.Keyword;

/**
 * Simulates a correct set of Kafka partitions driven by concurrent producers and consumers, and
 * emits its Jepsen history. Sends take effect at their completion (so acknowledged sends are in
 * real-time order); some sends crash: indeterminate ({@code info}) results whose value did or did
 * not land, after which the worker continues as a new process; some fail and do not land.
 * Consumers poll contiguously from where they left off; a crashed consumer starts a fresh process
 * from offset 0. The history ends with a nemesis heal and final polls that read every partition.
 */
public final class KafkaHistoryGenerator {
  static final Keyword SEND = Keyword.newKeyword("send");
  static final Keyword POLL = Keyword.newKeyword("poll");
  static final Keyword ASSIGN = Keyword.newKeyword("assign");
  static final Keyword SEEK = Keyword.newKeyword("seek-to-beginning?");

  private final Random rnd;
  private final int workers;
  private final int keys;
  private final Consumer<Op> sink;
  private final List<List<Long>> logs = new ArrayList<>();
  private long index;
  private long time;
  private long nextValue = 1;

  private final class Worker {
    long process;
    long key;
    long value;
    boolean busy;
    boolean sending;
    final Map<Long, Integer> position = new HashMap<>();
  }

  public KafkaHistoryGenerator(long seed, int workers, int keys, Consumer<Op> sink) {
    this.rnd = new Random(seed);
    this.workers = workers;
    this.keys = keys;
    this.sink = sink;
    for (int k = 0; k < keys; k++) {
      logs.add(new ArrayList<>());
    }
  }

  public static List<Op> generate(long seed, int workers, int keys, int clientOps) {
    List<Op> out = new ArrayList<>();
    new KafkaHistoryGenerator(seed, workers, keys, out::add).run(clientOps);
    return out;
  }

  private void emit(Op op) {
    time += 1 + rnd.nextInt(2_000_000);
    sink.accept(op.withIndex(index++).withTime(time));
  }

  private void nemesis(String f) {
    Keyword fk = Keyword.newKeyword(f);
    emit(Op.named(OpType.INVOKE, Op.NEMESIS, fk, null));
    emit(Op.named(OpType.INFO, Op.NEMESIS, fk, null));
  }

  /** Emits about {@code clientOps} client operations (invocations), then final polls. */
  public void run(int clientOps) {
    List<Worker> ws = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      Worker w = new Worker();
      w.process = i;
      ws.add(w);
    }
    boolean faulted = false;
    int invoked = 0;
    while (invoked < clientOps || ws.stream().anyMatch(w -> w.busy)) {
      if (rnd.nextInt(500) == 0) {
        nemesis(faulted ? "stop-partition" : "start-partition");
        faulted = !faulted;
      }
      Worker w = ws.get(rnd.nextInt(workers));
      if (w.busy) {
        complete(w);
      } else if (invoked < clientOps) {
        invoke(w);
        invoked++;
      }
    }
    if (faulted) {
      nemesis("stop-partition");
    }
    finalPolls(ws.get(0));
  }

  private void invoke(Worker w) {
    w.busy = true;
    w.sending = rnd.nextBoolean();
    if (w.sending) {
      w.key = rnd.nextInt(keys);
      w.value = nextValue++;
      emit(Op.invoke(w.process, SEND, List.of(List.of(SEND, w.key, w.value))));
    } else {
      emit(Op.invoke(w.process, POLL, List.of(List.of(POLL))));
    }
  }

  private void complete(Worker w) {
    w.busy = false;
    int dice = rnd.nextInt(100);
    if (w.sending) {
      List<Long> log = logs.get((int) w.key);
      if (dice < 85) {
        log.add(w.value);
        List<Object> pair = List.of((long) log.size() - 1, w.value);
        emit(Op.complete(OpType.OK, w.process, SEND, List.of(List.of(SEND, w.key, pair))));
      } else if (dice < 95) {
        if (dice < 90) {
          log.add(w.value); // landed, but the client never heard
        }
        emit(Op.complete(OpType.INFO, w.process, SEND, List.of(List.of(SEND, w.key, w.value))));
        crash(w);
      } else {
        emit(Op.complete(OpType.FAIL, w.process, SEND, List.of(List.of(SEND, w.key, w.value))));
      }
      return;
    }
    if (dice < 3) {
      emit(Op.complete(OpType.INFO, w.process, POLL, List.of(List.of(POLL))));
      crash(w);
      return;
    }
    emit(Op.complete(OpType.OK, w.process, POLL, List.of(List.of(POLL, read(w, 1 + rnd.nextInt(4))))));
  }

  /** Reads up to {@code batch} records from each partition, contiguously from the worker's position. */
  private Map<Object, Object> read(Worker w, int batch) {
    Map<Object, Object> byKey = new LinkedHashMap<>();
    for (long k = 0; k < keys; k++) {
      List<Long> log = logs.get((int) k);
      int from = w.position.getOrDefault(k, 0);
      int to = Math.min(log.size(), from + batch);
      if (from == to) {
        continue;
      }
      List<Object> pairs = new ArrayList<>();
      for (int o = from; o < to; o++) {
        pairs.add(List.of((long) o, log.get(o)));
      }
      byKey.put(k, pairs);
      w.position.put(k, to);
    }
    return byKey;
  }

  private void crash(Worker w) {
    w.process += workers;
    w.position.clear();
  }

  /** A fresh process assigns every key from the beginning and polls until it has read everything. */
  private void finalPolls(Worker w) {
    crash(w);
    List<Object> all = new ArrayList<>();
    for (long k = 0; k < keys; k++) {
      all.add(k);
    }
    emit(Op.invoke(w.process, ASSIGN, all).withExtra(Map.of(SEEK, true)));
    emit(Op.complete(OpType.OK, w.process, ASSIGN, all));
    boolean more = true;
    while (more) {
      emit(Op.invoke(w.process, POLL, List.of(List.of(POLL))));
      Map<Object, Object> got = read(w, 1000);
      emit(Op.complete(OpType.OK, w.process, POLL, List.of(List.of(POLL, got))));
      more = !got.isEmpty();
    }
  }
}
