package io.chronik.control.workload.client;

import io.chronik.verifier.history.EdnReader;
import io.chronik.verifier.history.HistoryException;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.printer.Printers;

/**
 * The line protocol between a client process and the control node. The client writes one EDN map
 * per line on its stdout: {@code {:type :invoke :f :send :value [[:send 1 7]]}} before it starts an
 * operation, then {@code {:type :ok :f :send :value [[:send 1 [4 7]]]}} (or {@code :fail} /
 * {@code :info} with {@code :error}) once it completed. The control node answers each invocation on
 * the client's stdin with {@link #GO} once the invocation is in the history, or {@link #STOP} (the
 * invocation is not recorded; the client closes and exits). The client starts the operation only after
 * {@code go}, so the recorded invocation always precedes the real one, as in-process recording does:
 * an operation's interval in the history contains its real one. One operation in flight per client.
 */
public final class ClientWire {
  public static final String GO = "go";
  public static final String STOP = "stop";

  static final Keyword TYPE = Keyword.newKeyword("type");
  static final Keyword F = Keyword.newKeyword("f");
  static final Keyword VALUE = Keyword.newKeyword("value");
  static final Keyword ERROR = Keyword.newKeyword("error");
  private static final Set<Keyword> OWN_KEYS = Set.of(TYPE, F, VALUE, ERROR);

  private ClientWire() {}

  /** One line, without its newline. Strings are printed escaped, so a line never contains a newline. */
  public static String encode(ClientMessage m) {
    Map<Keyword, Object> map = new LinkedHashMap<>();
    map.put(TYPE, m.type().keyword());
    map.put(F, m.f());
    map.put(VALUE, m.value());
    if (m.error() != null) {
      map.put(ERROR, m.error());
    }
    map.putAll(m.extra());
    return Printers.printString(map);
  }

  /**
   * Reads one line; {@code where} names it in errors (e.g. {@code client=p1 line=12}).
   *
   * @throws ClientProtocolException naming where, why and the line itself
   */
  public static ClientMessage decode(String line, String where) {
    Object form;
    try (EdnReader reader = new EdnReader(new StringReader(line), "client-line")) {
      form = reader.readForm();
      if (reader.peek() >= 0) {
        throw refused(where, "trailing-text-after-map", line);
      }
    } catch (HistoryException e) {
      throw new ClientProtocolException(where + " reason=malformed-line problem=" + e.getMessage() + " text=\""
          + abbreviate(line) + "\"", e);
    } catch (IOException e) {
      throw new IllegalStateException("reason=string-reader-failed", e);
    }
    if (!(form instanceof Map<?, ?> map)) {
      throw refused(where, "not-a-map", line);
    }
    ClientMessage.Type type = type(map.get(TYPE), where, line);
    if (!(map.get(F) instanceof Keyword f)) {
      throw refused(where, "f-missing-or-not-a-keyword", line);
    }
    if (!map.containsKey(VALUE)) {
      throw refused(where, "value-missing", line);
    }
    Object error = map.get(ERROR);
    Map<Keyword, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof Keyword k)) {
        throw refused(where, "key-not-a-keyword", line);
      }
      if (!OWN_KEYS.contains(k)) {
        extra.put(k, e.getValue());
      }
    }
    if (type == ClientMessage.Type.INVOKE && error != null) {
      throw refused(where, "invoke-with-error", line);
    }
    if (type != ClientMessage.Type.INVOKE && !extra.isEmpty()) {
      throw refused(where, "extra-keys-on-completion keys=" + extra.keySet(), line);
    }
    return new ClientMessage(type, f, map.get(VALUE), error, extra);
  }

  private static ClientMessage.Type type(Object type, String where, String line) {
    for (ClientMessage.Type t : ClientMessage.Type.values()) {
      if (t.keyword().equals(type)) {
        return t;
      }
    }
    throw refused(where, "unknown-type type=" + type + " expected=[:invoke :ok :fail :info]", line);
  }

  private static ClientProtocolException refused(String where, String reason, String line) {
    return new ClientProtocolException(where + " reason=" + reason + " text=\"" + abbreviate(line) + "\"");
  }

  static String abbreviate(String s) {
    return s.length() <= 160 ? s : s.substring(0, 157) + "...";
  }
}
