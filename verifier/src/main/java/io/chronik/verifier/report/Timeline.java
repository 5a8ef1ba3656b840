package io.chronik.verifier.report;

import java.util.List;
import java.util.Map;

/**
 * The client operations of a history as the report draws them: one row per operation (invocation
 * paired with its completion), in invocation order, plus the nemesis fault intervals.
 */
public interface Timeline {
  byte OK = 0;
  byte FAIL = 1;
  /** Indeterminate: may or may not have happened; also used for invocations that never completed. */
  byte INFO = 2;

  int size();

  int process(int op);

  /** The operation's function name without the colon, e.g. {@code send}. */
  String f(int op);

  byte type(int op);

  long invokeNanos(int op);

  /** Completion time; for operations that never completed, the end of the history. */
  long completeNanos(int op);

  List<FaultInterval> faults();

  /** The operation as an EDN map (completion fields, plus :invoke-index and :invoke-time). */
  Map<String, Object> opEdn(int op);

  static String typeName(byte type) {
    return switch (type) {
      case OK -> "ok";
      case FAIL -> "fail";
      default -> "info";
    };
  }
}
