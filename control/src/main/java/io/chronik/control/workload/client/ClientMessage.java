package io.chronik.control.workload.client;

import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * One line a client process reports to the control node: an invocation it asks to make, or the
 * completion of the one it made. Values are edn-java data, exactly what the history records.
 *
 * @param extra keys recorded on an invocation beside its value (e.g. {@code :seek-to-beginning? true})
 * @param error a completion's {@code :error} (null: none)
 */
public record ClientMessage(Type type, Keyword f, Object value, Object error, Map<Keyword, Object> extra) {
  /** Jepsen's op types, as the line's {@code :type}. */
  public enum Type {
    INVOKE, OK, FAIL, INFO;

    public Keyword keyword() {
      return Keyword.newKeyword(name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  public ClientMessage {
    extra = Map.copyOf(extra);
  }

  public static ClientMessage invoke(Keyword f, Object value, Map<Keyword, Object> extra) {
    return new ClientMessage(Type.INVOKE, f, value, null, extra);
  }

  public static ClientMessage completion(Type type, Keyword f, Object value, Object error) {
    return new ClientMessage(type, f, value, error, Map.of());
  }
}
