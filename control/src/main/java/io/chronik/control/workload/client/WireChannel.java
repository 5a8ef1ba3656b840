package io.chronik.control.workload.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * A client process's side of {@link ClientWire}: each invocation is written to the control node and
 * waits for its {@code go}; completions are written as they happen. Every line is flushed at once, so
 * what the process did before a kill -9 is on the pipe.
 */
final class WireChannel implements ClientChannel {
  private final BufferedReader replies;
  private final PrintStream out;
  private Keyword pending;

  WireChannel(BufferedReader replies, PrintStream out) {
    this.replies = replies;
    this.out = out;
  }

  @Override
  public boolean invoke(Keyword f, Object value, Map<Keyword, Object> extra) {
    if (pending != null) {
      throw new IllegalStateException("f=" + f + " pending=" + pending + " reason=operation-in-flight");
    }
    send(ClientMessage.invoke(f, value, extra));
    String reply;
    try {
      reply = replies.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("reason=control-node-unreadable", e);
    }
    if (reply == null || reply.equals(ClientWire.STOP)) {
      return false; // stdin closed: the control node is gone, so nobody records what we would do
    }
    if (!reply.equals(ClientWire.GO)) {
      throw new ClientProtocolException("reply=\"" + reply + "\" reason=expected-go-or-stop");
    }
    pending = f;
    return true;
  }

  @Override
  public void ok(Object value) {
    complete(ClientMessage.Type.OK, value, null);
  }

  @Override
  public void fail(Object value, Object error) {
    complete(ClientMessage.Type.FAIL, value, error);
  }

  @Override
  public void info(Object value, Object error) {
    complete(ClientMessage.Type.INFO, value, error);
  }

  private void complete(ClientMessage.Type type, Object value, Object error) {
    if (pending == null) {
      throw new IllegalStateException("type=" + type + " reason=no-operation-in-flight");
    }
    send(ClientMessage.completion(type, pending, value, error));
    pending = null;
  }

  private void send(ClientMessage m) {
    out.println(ClientWire.encode(m));
    out.flush();
    if (out.checkError()) {
      throw new UncheckedIOException(new IOException("reason=control-node-gone (stdout closed)"));
    }
  }
}
