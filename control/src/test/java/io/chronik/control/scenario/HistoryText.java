package io.chronik.control.scenario;

import io.chronik.verifier.history.EdnHistoryReader;

/** Builds a kafka run's history as EDN text, times in milliseconds, for the scenario checks to read. */
final class HistoryText {
  private final StringBuilder edn = new StringBuilder();
  private int index;

  private HistoryText op(long ms, String type, String process, String f, String value) {
    edn.append("{:index ").append(index++).append(", :time ").append(ms * 1_000_000).append(", :type :").append(type)
        .append(", :process ").append(process).append(", :f :").append(f).append(", :value ").append(value)
        .append("}\n");
    return this;
  }

  /** A send of {@code value} to {@code partition} invoked at {@code from}, acknowledged at {@code to} with {@code offset}. */
  HistoryText ack(int process, long from, long to, long partition, long offset, long value) {
    op(from, "invoke", String.valueOf(process), "send", "[[:send " + partition + " " + value + "]]");
    return op(to, "ok", String.valueOf(process), "send", "[[:send " + partition + " [" + offset + " " + value + "]]]");
  }

  /** A send that timed out. */
  HistoryText timeout(int process, long from, long to, long partition, long value) {
    op(from, "invoke", String.valueOf(process), "send", "[[:send " + partition + " " + value + "]]");
    return op(to, "info", String.valueOf(process), "send", "[[:send " + partition + " " + value + "]]");
  }

  /** A fault in place from {@code from} to {@code to} (start's info, stop's invoke). */
  HistoryText fault(String name, long from, long to, String... targets) {
    return start(name, from, targets).stop(name, to, targets);
  }

  /** A fault put in place at {@code at} (its invoke just before); {@link #stop} heals it. */
  HistoryText start(String name, long at, String... targets) {
    op(at - 1, "invoke", ":nemesis", "start-" + name, targets(targets));
    return op(at, "info", ":nemesis", "start-" + name, "\"done\"");
  }

  HistoryText stop(String name, long at, String... targets) {
    op(at, "invoke", ":nemesis", "stop-" + name, targets(targets));
    return op(at + 1, "info", ":nemesis", "stop-" + name, "\"healed\"");
  }

  private static String targets(String... targets) {
    return "{:targets [" + String.join(" ", java.util.Arrays.stream(targets).map(n -> "\"" + n + "\"").toList()) + "]}";
  }

  /** A poll that read {@code value} at {@code offset} of {@code partition}. */
  HistoryText read(int process, long ms, long partition, long offset, long value) {
    op(ms, "invoke", String.valueOf(process), "poll", "[[:poll]]");
    return op(ms + 1, "ok", String.valueOf(process), "poll", "[[:poll {" + partition + " [[" + offset + " " + value
        + "]]}]]");
  }

  ScenarioHistory history() {
    return ScenarioHistory.of(EdnHistoryReader.parse(edn.toString()));
  }
}
