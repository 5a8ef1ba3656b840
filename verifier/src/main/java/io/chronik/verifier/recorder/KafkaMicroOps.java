package io.chronik.verifier.recorder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * Builders for the values of Jepsen's Kafka workload ops, as edn-java data (Longs, Keywords,
 * Lists), so what a client records is what the Kafka checker reads.
 *
 * <pre>
 *   Invocation inv = worker.invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(k, v)));
 *   inv.ok(List.of(KafkaMicroOps.sent(k, offset, v)));           // or inv.info(List.of(send(k, v)), "timeout")
 *   Invocation p = worker.invoke(KafkaMicroOps.POLL, List.of(KafkaMicroOps.poll()));
 *   p.ok(List.of(KafkaMicroOps.polled(Map.of(k, List.of(new long[] {offset, value})))));
 * </pre>
 */
public final class KafkaMicroOps {
  public static final Keyword SEND = Keyword.newKeyword("send");
  public static final Keyword POLL = Keyword.newKeyword("poll");
  public static final Keyword TXN = Keyword.newKeyword("txn");
  public static final Keyword ASSIGN = Keyword.newKeyword("assign");
  public static final Keyword SUBSCRIBE = Keyword.newKeyword("subscribe");
  public static final Keyword CRASH = Keyword.newKeyword("crash");
  public static final Keyword SEEK_TO_BEGINNING = Keyword.newKeyword("seek-to-beginning?");

  private KafkaMicroOps() {}

  /** {@code [:send k v]}: the invocation's micro-op (and an indeterminate completion's). */
  public static List<Object> send(long key, long value) {
    return List.of(SEND, key, value);
  }

  /** {@code [:send k [offset v]]}: an acknowledged send. */
  public static List<Object> sent(long key, long offset, long value) {
    return List.of(SEND, key, List.of(offset, value));
  }

  /** {@code [:poll]}: the invocation's micro-op. */
  public static List<Object> poll() {
    return List.of(POLL);
  }

  /** {@code [:poll {k [[offset v] ...]}]}: records as {offset, value} pairs per key, in poll order. */
  public static List<Object> polled(Map<Long, List<long[]>> records) {
    Map<Object, Object> byKey = new LinkedHashMap<>();
    records.forEach((k, pairs) -> {
      List<Object> l = new ArrayList<>(pairs.size());
      for (long[] p : pairs) {
        l.add(List.of(p[0], p[1]));
      }
      byKey.put(k, l);
    });
    return List.of(POLL, byKey);
  }

  /** The value of an {@code :assign}/{@code :subscribe} op: the keys. */
  public static List<Object> keys(long... keys) {
    List<Object> l = new ArrayList<>(keys.length);
    for (long k : keys) {
      l.add(k);
    }
    return l;
  }
}
