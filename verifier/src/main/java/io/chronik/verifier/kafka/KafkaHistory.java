package io.chronik.verifier.kafka;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.report.PairedHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * A Kafka-workload history in Jepsen's op shapes, decoded into columns.
 *
 * <p>Each client operation ({@code :send}, {@code :poll}, {@code :txn}, {@code :assign},
 * {@code :subscribe}, {@code :crash}) becomes one op id in invocation order. Its micro-ops are
 * flattened into parallel arrays: a send is one {@link #M_SEND} entry (offset {@link #NONE} when
 * unknown), a poll result contributes one {@link #M_READ} entry per {@code [offset value]} pair,
 * assign/subscribe keys are {@link #M_ASSIGN} entries and {@code :rebalance-log} keys are
 * {@link #M_REBALANCE} entries. Keys and values must be integers, as in Jepsen's workload.
 */
public final class KafkaHistory extends PairedHistory {
  public static final long NONE = Long.MIN_VALUE;
  public static final byte M_SEND = 0;
  public static final byte M_READ = 1;
  public static final byte M_ASSIGN = 2;
  public static final byte M_REBALANCE = 3;

  static final Keyword SEND = Keyword.newKeyword("send");
  static final Keyword POLL = Keyword.newKeyword("poll");
  private static final Keyword SEEK = Keyword.newKeyword("seek-to-beginning?");
  private static final Keyword REBALANCE_LOG = Keyword.newKeyword("rebalance-log");
  private static final Keyword KEYS = Keyword.newKeyword("keys");

  private int[] mopStart = new int[1024];
  private int[] mopCount = new int[1024];
  private boolean[] seek = new boolean[1024];
  /** op → what its final reader recorded about the log (assigns only; rare). */
  private final Map<Integer, LogExtent> extents = new java.util.HashMap<>();
  private int mops;
  private byte[] mopKind = new byte[4096];
  private long[] mopKey = new long[4096];
  private long[] mopValue = new long[4096];
  private long[] mopOffset = new long[4096];

  /** Reads a Jepsen EDN history file. */
  public static KafkaHistory read(Path file) throws IOException {
    KafkaHistory h = new KafkaHistory();
    h.readAll(file);
    return h;
  }

  /** Builds from ops already in memory (tests, generators). */
  public static KafkaHistory of(Iterable<Op> history) {
    KafkaHistory h = new KafkaHistory();
    for (Op op : history) {
      h.accept(op);
    }
    h.finish();
    return h;
  }

  @Override
  protected void onInvoke(int id, Op invoke) {
    if (id >= mopStart.length) {
      int n = Math.max(id + 1, mopStart.length + (mopStart.length >> 1));
      mopStart = Arrays.copyOf(mopStart, n);
      mopCount = Arrays.copyOf(mopCount, n);
      seek = Arrays.copyOf(seek, n);
    }
    seek[id] = Boolean.TRUE.equals(invoke.get(SEEK));
    LogExtent extent = LogExtent.fromEdn(invoke.get(LogExtent.LOG_START_OFFSETS), invoke.get(LogExtent.END_OFFSETS),
        invoke.get(LogExtent.RETENTION));
    if (extent != null) {
      extents.put(id, extent);
    }
  }

  @Override
  protected void onComplete(int id, Op invoke, Op completion) {
    mopStart[id] = mops;
    Object value = completion != null && completion.value() != null ? completion.value() : invoke.value();
    String f = f(id);
    try {
      switch (f) {
        case "send", "poll", "txn" -> decodeTxn(value);
        case "assign", "subscribe" -> {
          if (value instanceof List<?> keys) {
            for (Object k : keys) {
              push(M_ASSIGN, integer(k), NONE, NONE);
            }
          }
        }
        default -> { }
      }
      if (completion != null && completion.get(REBALANCE_LOG) instanceof List<?> log) {
        for (Object event : log) {
          if (event instanceof Map<?, ?> m && m.get(KEYS) instanceof List<?> keys) {
            for (Object k : keys) {
              push(M_REBALANCE, integer(k), NONE, NONE);
            }
          }
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("reason=undecodable-op invoke-index=" + invokeIndex(id)
          + " f=" + f + " value=" + value + " cause=" + e.getMessage(), e);
    }
    mopCount[id] = mops - mopStart[id];
  }

  private void decodeTxn(Object value) {
    if (!(value instanceof List<?> mopsList)) {
      return;
    }
    for (Object mop : mopsList) {
      List<?> m = (List<?>) mop;
      Object kind = m.get(0);
      if (SEND.equals(kind)) {
        long k = integer(m.get(1));
        Object v = m.get(2);
        if (v instanceof List<?> pair) {
          push(M_SEND, k, integer(pair.get(1)), pair.get(0) == null ? NONE : integer(pair.get(0)));
        } else {
          push(M_SEND, k, integer(v), NONE);
        }
      } else if (POLL.equals(kind) && m.size() > 1 && m.get(1) instanceof Map<?, ?> byKey) {
        for (Map.Entry<?, ?> e : byKey.entrySet()) {
          long k = integer(e.getKey());
          for (Object p : (List<?>) e.getValue()) {
            List<?> pair = (List<?>) p;
            push(M_READ, k, integer(pair.get(1)), pair.get(0) == null ? NONE : integer(pair.get(0)));
          }
        }
      }
    }
  }

  private static long integer(Object o) {
    if (o instanceof Long l) {
      return l;
    }
    if (o instanceof Integer i) {
      return i;
    }
    throw new IllegalArgumentException("reason=not-an-integer value=" + o);
  }

  private void push(byte kind, long key, long value, long offset) {
    if (mops == mopKind.length) {
      // 1.5x, not 2x: these are the largest arrays of a ten-million-op history (several bytes per
      // record read), and the slack of doubling was what pushed it past a 3 GiB heap.
      int n = mops + (mops >> 1);
      mopKind = Arrays.copyOf(mopKind, n);
      mopKey = Arrays.copyOf(mopKey, n);
      mopValue = Arrays.copyOf(mopValue, n);
      mopOffset = Arrays.copyOf(mopOffset, n);
    }
    mopKind[mops] = kind;
    mopKey[mops] = key;
    mopValue[mops] = value;
    mopOffset[mops] = offset;
    mops++;
  }

  public int mopStart(int op) {
    return mopStart[op];
  }

  public int mopEnd(int op) {
    return mopStart[op] + mopCount[op];
  }

  public byte mopKind(int mop) {
    return mopKind[mop];
  }

  public long mopKey(int mop) {
    return mopKey[mop];
  }

  public long mopValue(int mop) {
    return mopValue[mop];
  }

  public long mopOffset(int mop) {
    return mopOffset[mop];
  }

  /** Whether an assign asked to seek to the beginning of its partitions. */
  public boolean seeksToBeginning(int op) {
    return seek[op];
  }

  /** The log starts, end offsets and retention an assign recorded, or null (none: no retention). */
  public LogExtent logExtent(int op) {
    return extents.get(op);
  }

  @Override
  public Map<String, Object> opEdn(int op) {
    Map<String, Object> m = new LinkedHashMap<>();
    long ci = completeIndex(op);
    m.put("index", ci == Long.MAX_VALUE ? null : ci);
    m.put("time", completeNanos(op));
    m.put("type", Keyword.newKeyword(io.chronik.verifier.report.Timeline.typeName(type(op))));
    m.put("process", (long) process(op));
    m.put("f", Keyword.newKeyword(f(op)));
    List<Object> value = new ArrayList<>();
    Map<Long, List<Object>> reads = null;
    for (int i = mopStart(op); i < mopEnd(op); i++) {
      switch (mopKind[i]) {
        case M_SEND -> {
          reads = null;
          Object v = mopOffset[i] == NONE ? (Object) mopValue[i] : List.of(mopOffset[i], mopValue[i]);
          value.add(List.of(SEND, mopKey[i], v));
        }
        case M_READ -> {
          if (reads == null) {
            reads = new LinkedHashMap<>();
            value.add(List.of(POLL, reads));
          }
          List<Object> pair = new ArrayList<>(2);
          pair.add(mopOffset[i] == NONE ? null : mopOffset[i]);
          pair.add(mopValue[i]);
          reads.computeIfAbsent(mopKey[i], k -> new ArrayList<>()).add(pair);
        }
        case M_ASSIGN -> value.add(mopKey[i]);
        default -> { }
      }
    }
    m.put("value", value);
    m.put("invoke-index", invokeIndex(op));
    m.put("invoke-time", invokeNanos(op));
    return m;
  }
}
