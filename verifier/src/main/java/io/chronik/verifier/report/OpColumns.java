package io.chronik.verifier.report;

import java.util.Arrays;

/**
 * Growable column store for the per-operation facts every timeline needs. Columns instead of one
 * object per operation keep a million-op history at a few tens of megabytes.
 */
public final class OpColumns {
  private int size;
  private int[] process = new int[1024];
  private byte[] f = new byte[1024];
  private byte[] type = new byte[1024];
  private long[] invokeIndex = new long[1024];
  private long[] completeIndex = new long[1024];
  private long[] invokeNanos = new long[1024];
  private long[] completeNanos = new long[1024];
  private final String[] fNames = new String[128];
  private int fCount;
  private final java.util.Map<String, Byte> fCodes = new java.util.HashMap<>();

  /** Appends an invocation and returns its op id; the completion is filled in later. */
  public int add(int proc, String fName, long index, long nanos) {
    if (size == process.length) {
      int n = size + (size >> 1); // 1.5x: less slack on ten-million-op histories
      process = Arrays.copyOf(process, n);
      f = Arrays.copyOf(f, n);
      type = Arrays.copyOf(type, n);
      invokeIndex = Arrays.copyOf(invokeIndex, n);
      completeIndex = Arrays.copyOf(completeIndex, n);
      invokeNanos = Arrays.copyOf(invokeNanos, n);
      completeNanos = Arrays.copyOf(completeNanos, n);
    }
    int id = size++;
    process[id] = proc;
    f[id] = code(fName);
    type[id] = Timeline.INFO;
    invokeIndex[id] = index;
    invokeNanos[id] = nanos;
    completeIndex[id] = Long.MAX_VALUE;
    completeNanos[id] = Long.MAX_VALUE;
    return id;
  }

  public void complete(int id, byte completionType, long index, long nanos) {
    type[id] = completionType;
    completeIndex[id] = index;
    completeNanos[id] = nanos;
  }

  private byte code(String name) {
    Byte c = fCodes.get(name);
    if (c != null) {
      return c;
    }
    if (fCount == fNames.length) {
      throw new IllegalArgumentException("reason=too-many-distinct-f limit=" + fNames.length + " f=" + name);
    }
    fNames[fCount] = name;
    fCodes.put(name, (byte) fCount);
    return (byte) fCount++;
  }

  public int size() {
    return size;
  }

  public int process(int id) {
    return process[id];
  }

  public String f(int id) {
    return fNames[f[id]];
  }

  public byte type(int id) {
    return type[id];
  }

  public long invokeIndex(int id) {
    return invokeIndex[id];
  }

  /** {@link Long#MAX_VALUE} if the operation never completed. */
  public long completeIndex(int id) {
    return completeIndex[id];
  }

  public long invokeNanos(int id) {
    return invokeNanos[id];
  }

  /** {@link Long#MAX_VALUE} if the operation never completed. */
  public long completeNanos(int id) {
    return completeNanos[id];
  }
}
