package io.chronik.control.scenario;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.History;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * What a scenario's checks read from a kafka run's history: every send (when invoked and completed,
 * how it ended, the partition, offset and value), every value a poll read at each offset, and when
 * each fault was in place (from the info of its {@code :start-<fault>} to the invocation of its
 * {@code :stop-<fault>}, with the nodes it hit). Times are the history's nanoseconds.
 */
public final class ScenarioHistory {
  /** One send; {@code offset} is -1 unless it was acknowledged. */
  public record Send(long invokeNanos, long completeNanos, OpType type, long partition, long offset, long value) {
    public boolean acknowledged() {
      return type == OpType.OK;
    }
  }

  /** One fault in place from {@code startNanos} (its start done) until {@code healNanos} (its heal begun). */
  public record Window(String fault, long startNanos, long healNanos, List<String> targets, boolean failed) {
    public boolean covers(long nanos) {
      return nanos >= startNanos && nanos <= healNanos;
    }

    public long millis() {
      return (healNanos - startNanos) / 1_000_000;
    }
  }

  private static final Keyword SEND = Keyword.newKeyword("send");
  private static final Keyword POLL = Keyword.newKeyword("poll");
  private static final Keyword TARGETS = Keyword.newKeyword("targets");

  private final List<Send> sends;
  private final Map<Long, Map<Long, Long>> read;
  private final List<Window> windows;

  ScenarioHistory(List<Send> sends, Map<Long, Map<Long, Long>> read, List<Window> windows) {
    this.sends = List.copyOf(sends);
    this.read = read;
    this.windows = List.copyOf(windows);
  }

  public static ScenarioHistory read(Path historyFile) throws IOException {
    return of(EdnHistoryReader.read(historyFile));
  }

  public static ScenarioHistory of(History history) {
    List<Send> sends = new ArrayList<>();
    Map<Long, Map<Long, Long>> read = new HashMap<>();
    List<Window> windows = new ArrayList<>();
    Map<String, Op> openStarts = new HashMap<>();
    Map<String, List<String>> invoked = new HashMap<>();
    List<Op> ops = history.ops();
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (op.isNemesis()) {
        nemesis(op, openStarts, invoked, windows);
      } else if (op.isInvoke() && SEND.equals(op.f())) {
        int partner = history.partnerOf(i);
        Op done = partner < 0 ? null : ops.get(partner);
        sends.add(send(op, done));
      } else if (op.type() == OpType.OK && POLL.equals(op.f())) {
        polled(op.value(), read);
      }
    }
    return new ScenarioHistory(sends, read, windows);
  }

  /**
   * The nemesis runs one step at a time, so a start's info follows its invoke; a window is keyed by
   * fault and targets, since two windows of one fault may overlap (two kills of different nodes).
   */
  private static void nemesis(Op op, Map<String, Op> openStarts, Map<String, List<String>> invoked,
      List<Window> windows) {
    String f = op.f().getName();
    if (f.startsWith("start-")) {
      String fault = f.substring("start-".length());
      if (op.isInvoke()) {
        invoked.put(fault, targets(op.value()));
      } else if (op.type() == OpType.INFO) {
        List<String> targets = invoked.getOrDefault(fault, List.of());
        openStarts.put(fault + targets, op);
      }
    } else if (f.startsWith("stop-") && op.isInvoke()) {
      String fault = f.substring("stop-".length());
      List<String> targets = targets(op.value());
      Op started = openStarts.remove(fault + targets);
      if (started != null) {
        windows.add(new Window(fault, started.timeNanos(), op.timeNanos(), targets,
            String.valueOf(started.value()).startsWith("error=")));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> targets(Object value) {
    if (value instanceof Map<?, ?> m && m.get(TARGETS) instanceof List<?> l) {
      return ((List<Object>) l).stream().map(String::valueOf).toList();
    }
    return List.of();
  }

  private static Send send(Op invoke, Op done) {
    List<?> micro = (List<?>) ((List<?>) invoke.value()).get(0);
    long partition = ((Number) micro.get(1)).longValue();
    long value = ((Number) micro.get(2)).longValue();
    if (done == null) {
      return new Send(invoke.timeNanos(), Long.MAX_VALUE, OpType.INFO, partition, -1, value);
    }
    long offset = -1;
    if (done.type() == OpType.OK) {
      List<?> sent = (List<?>) ((List<?>) ((List<?>) done.value()).get(0)).get(2);
      offset = ((Number) sent.get(0)).longValue();
    }
    return new Send(invoke.timeNanos(), done.timeNanos(), done.type(), partition, offset, value);
  }

  private static void polled(Object value, Map<Long, Map<Long, Long>> read) {
    for (Object m : (List<?>) value) {
      List<?> micro = (List<?>) m;
      if (micro.size() < 2 || !(micro.get(1) instanceof Map<?, ?> byKey)) {
        continue;
      }
      for (Map.Entry<?, ?> e : byKey.entrySet()) {
        long partition = ((Number) e.getKey()).longValue();
        Map<Long, Long> log = read.computeIfAbsent(partition, k -> new HashMap<>());
        for (Object pair : (List<?>) e.getValue()) {
          List<?> p = (List<?>) pair;
          log.put(((Number) p.get(0)).longValue(), ((Number) p.get(1)).longValue());
        }
      }
    }
  }

  public List<Send> sends() {
    return sends;
  }

  public List<Send> acknowledged() {
    return sends.stream().filter(Send::acknowledged).toList();
  }

  /** The value some poll read at {@code offset} of {@code partition}, or null if none did. */
  public Long readAt(long partition, long offset) {
    Map<Long, Long> log = read.get(partition);
    return log == null ? null : log.get(offset);
  }

  /** The windows of {@code fault} whose start did not fail, in history order. */
  public List<Window> windows(String fault) {
    return windows.stream().filter(w -> w.fault().equals(fault) && !w.failed()).toList();
  }

  public List<Window> windows() {
    return windows;
  }
}
