package io.chronik.control.workload.client;

import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * Where a client's operations are recorded: straight into this JVM's history ({@link RecorderChannel},
 * clients as threads of the control node) or reported line by line to the control node
 * ({@link WireChannel}, clients as their own processes). One operation at a time, as a Jepsen process.
 */
public interface ClientChannel {
  /**
   * Asks to invoke {@code f}; returns true once the invocation is recorded (now start the operation),
   * false when the client is to stop (nothing recorded).
   */
  boolean invoke(Keyword f, Object value, Map<Keyword, Object> extra);

  /** The invoked operation took effect with result {@code value}. */
  void ok(Object value);

  /** The invoked operation certainly did not take effect. */
  void fail(Object value, Object error);

  /** The invoked operation's outcome is unknown (timeout, disconnect): it may take effect at any time. */
  void info(Object value, Object error);
}
