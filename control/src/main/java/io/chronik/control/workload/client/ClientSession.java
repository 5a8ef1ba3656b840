package io.chronik.control.workload.client;

import io.chronik.verifier.recorder.Invocation;
import io.chronik.verifier.recorder.KafkaMicroOps;
import io.chronik.verifier.recorder.Worker;
import java.util.Map;

/**
 * The control node's side of one client's wire ({@link ClientWire}), over all the client's processes:
 * checks each line against the protocol (one operation in flight, completions match their invocation)
 * and records it through the client's history {@link Worker}, so a client process's operations land
 * in the one history like a thread's. Only the workload's own operations are accepted
 * ({@link ClientOps}). When a process ends without being asked to (kill -9, crash), its in-flight
 * operation is completed {@code :info} and the client continues as a new Jepsen process, which a
 * crashed process never is again; with none in flight the workload's {@link ClientOps} says whether a
 * {@code :crash} op is recorded (then the same) or nothing.
 */
public final class ClientSession {
  private final String client;
  private final Worker worker;
  private final ClientOps ops;
  private final CompletionListener completed;
  private long lines;
  private Invocation pending;
  private Object pendingValue;
  private boolean stopping;

  /**
   * @param ops the operations the workload's clients may report
   * @param completed told of every completion recorded
   */
  public ClientSession(String client, Worker worker, ClientOps ops, CompletionListener completed) {
    this.client = client;
    this.worker = worker;
    this.ops = ops;
    this.completed = completed;
  }

  public String client() {
    return client;
  }

  /** The Jepsen process the client's next operation is recorded as. */
  public long process() {
    return worker.process();
  }

  /**
   * Records one line of the client; returns the reply to send it ({@link ClientWire#GO} or
   * {@link ClientWire#STOP} for an invocation), or null.
   *
   * @throws ClientProtocolException naming the client, its line number and why; nothing recorded
   */
  public synchronized String accept(String line) {
    lines++;
    String where = "client=" + client + " process=" + worker.process() + " line=" + lines;
    ClientMessage m = ClientWire.decode(line, where);
    if (m.type() == ClientMessage.Type.INVOKE) {
      if (pending != null) {
        throw new ClientProtocolException(where + " f=" + m.f() + " in-flight=" + pending.f()
            + " reason=invoke-while-in-flight");
      }
      refuseForeign(m, null, where, line);
      if (stopping) {
        return ClientWire.STOP;
      }
      pending = worker.invoke(m.f(), m.value(), m.extra());
      pendingValue = m.value();
      return ClientWire.GO;
    }
    if (pending == null) {
      throw new ClientProtocolException(where + " type=" + m.type().keyword() + " f=" + m.f()
          + " reason=completion-without-invoke");
    }
    if (!pending.f().equals(m.f())) {
      throw new ClientProtocolException(where + " f=" + m.f() + " in-flight=" + pending.f() + " reason=completion-of-another-f");
    }
    refuseForeign(m, pendingValue, where, line);
    Invocation inv = pending;
    Object invoked = pendingValue;
    pending = null;
    switch (m.type()) {
      case OK -> inv.ok(m.value());
      case FAIL -> inv.fail(m.value(), m.error());
      default -> inv.info(m.value(), m.error());
    }
    completed.completed(m.f(), invoked, m.type());
    return null;
  }

  /** Throws when {@code m} is no operation of this workload's clients, or not in its shape. */
  private void refuseForeign(ClientMessage m, Object invoked, String where, String line) {
    String problem = ops.problem(m, invoked);
    if (problem != null) {
      throw new ClientProtocolException(where + " " + problem + " text=\"" + ClientWire.abbreviate(line) + "\"");
    }
  }

  /** From now on every invocation is answered {@link ClientWire#STOP}. */
  public synchronized void stop() {
    stopping = true;
  }

  /** A new process of the client starts: its lines are numbered from 1. */
  synchronized void restarted() {
    lines = 0;
  }

  /**
   * The client's process ended. {@code expected}: it exited by itself after {@code stop} (or its work
   * was done) with nothing in flight, and stays the same Jepsen process. Otherwise (killed, crashed,
   * broke the protocol) its in-flight operation becomes {@code :info} with {@code why} as the error,
   * or, with none in flight, a {@code :crash} op is recorded if the workload's {@link ClientOps} asks
   * for one; returns what was settled.
   */
  public synchronized String ended(String why, boolean expected) {
    if (pending != null) {
      Invocation inv = pending;
      pending = null;
      inv.info(pendingValue, why);
      completed.completed(inv.f(), pendingValue, ClientMessage.Type.INFO);
      return "in-flight=" + inv.f().getName();
    }
    if (expected || !ops.crashOpWhenIdle()) {
      return "in-flight=none";
    }
    worker.invoke(KafkaMicroOps.CRASH, null, Map.of()).info(null, why);
    return "in-flight=none";
  }
}
