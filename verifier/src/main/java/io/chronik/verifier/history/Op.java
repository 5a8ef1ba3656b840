package io.chronik.verifier.history;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import us.bpsm.edn.Keyword;

/**
 * One event of a Jepsen history: an invocation or a completion, immutable.
 *
 * <h2>Fields</h2>
 * <ul>
 *   <li>{@code index}: position in the history, 0-based, dense in histories we write ({@code :index}).
 *   <li>{@code timeNanos}: nanoseconds since the start of the test ({@code :time}); {@link #NO_TIME}
 *       if the source had none. Checkers order events by position in the history, never by time.
 *   <li>{@code type}: {@link OpType}.
 *   <li>{@code process}: the client process id ({@code :process 3}). A process that gets an
 *       {@code info} completion never invokes again; the client continues under a new id. Processes
 *       named by a keyword (Jepsen's {@code :nemesis}) have {@code process == }{@link #NAMED_PROCESS}
 *       and the keyword in {@code processName}; {@link #isClient()} is false for them and
 *       linearizability checkers skip them.
 *   <li>{@code f}: the function keyword, e.g. {@code :read}, {@code :cas}, {@code :send}.
 *   <li>{@code value}: the op's EDN value as edn-java reads it (see below).
 *   <li>{@code extra}: every other key of the op map ({@code :error}, {@code :key}, {@code :node},
 *       ...), in the order read, unmodifiable; written back as is.
 * </ul>
 *
 * <h2>How values are represented</h2>
 * Values are plain edn-java data, exactly what {@code us.bpsm.edn.parser} produces and
 * {@code us.bpsm.edn.printer} prints: {@code nil} → {@code null}; booleans → {@link Boolean};
 * integers → {@link Long} (or {@link java.math.BigInteger} beyond 64 bits, never Integer); floats →
 * {@link Double}; strings → {@link String}; characters → {@link Character}; keywords →
 * {@link Keyword}; symbols → {@link us.bpsm.edn.Symbol}; vectors and lists → {@link java.util.List}
 * (vectors are {@link java.util.RandomAccess}); maps → {@link Map}; sets → {@link java.util.Set};
 * {@code #inst} → {@link java.util.Date}; {@code #uuid} → {@link java.util.UUID}; ratios ({@code 1/3}) →
 * {@link Ratio}; other tags → {@link us.bpsm.edn.TaggedValue}; records ({@code #jepsen.history.Op{…}})
 * → the plain map ({@link EdnReader}). Code that builds ops
 * by hand must use the same types (in particular {@code Long}, not {@code Integer}) so that values
 * compare equal after a write/read round trip.
 */
public record Op(
    long index,
    long timeNanos,
    OpType type,
    long process,
    Keyword processName,
    Keyword f,
    Object value,
    Map<Keyword, Object> extra) {

  /** {@code timeNanos} of an op whose source had no {@code :time}. */
  public static final long NO_TIME = -1;
  /** {@code process} of an op whose process is a keyword such as {@code :nemesis}. */
  public static final long NAMED_PROCESS = Long.MIN_VALUE;
  /** Jepsen's nemesis process keyword. */
  public static final Keyword NEMESIS = Keyword.newKeyword("nemesis");

  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    if ((process == NAMED_PROCESS) != (processName != null)) {
      throw new IllegalArgumentException("process=" + process + " processName=" + processName
          + " reason=named-process-needs-NAMED_PROCESS");
    }
    extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** A client invocation without index or time (set them with {@link #withIndex}/{@link #withTime}). */
  public static Op invoke(long process, Keyword f, Object value) {
    return new Op(-1, NO_TIME, OpType.INVOKE, process, null, f, value, Map.of());
  }

  /** A client completion of the given type. */
  public static Op complete(OpType type, long process, Keyword f, Object value) {
    return new Op(-1, NO_TIME, type, process, null, f, value, Map.of());
  }

  /** An op of a named process ({@code :nemesis}). */
  public static Op named(OpType type, Keyword processName, Keyword f, Object value) {
    return new Op(-1, NO_TIME, type, NAMED_PROCESS, processName, f, value, Map.of());
  }

  public Op withIndex(long newIndex) {
    return new Op(newIndex, timeNanos, type, process, processName, f, value, extra);
  }

  public Op withTime(long newTimeNanos) {
    return new Op(index, newTimeNanos, type, process, processName, f, value, extra);
  }

  public Op withValue(Object newValue) {
    return new Op(index, timeNanos, type, process, processName, f, newValue, extra);
  }

  public Op withExtra(Map<Keyword, Object> newExtra) {
    return new Op(index, timeNanos, type, process, processName, f, value, newExtra);
  }

  /** True for client processes (integer ids); false for the nemesis and other named processes. */
  public boolean isClient() {
    return processName == null;
  }

  public boolean isNemesis() {
    return NEMESIS.equals(processName);
  }

  public boolean isInvoke() {
    return type == OpType.INVOKE;
  }

  /** The {@code :process} value as EDN: a Long, or the keyword of a named process. */
  public Object processEdn() {
    return processName != null ? processName : (Object) process;
  }

  /** The value of an extra key, or null. */
  public Object get(Keyword key) {
    return extra.get(key);
  }

  /** The op as one EDN map line, e.g. {@code {:index 0, :time 12, :type :invoke, ...}}. */
  @Override
  public String toString() {
    return EdnHistoryWriter.format(this);
  }
}
