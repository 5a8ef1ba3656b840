package io.chronik.control.workload.client;

import java.util.List;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.printer.Printers;

/**
 * The register workload's operations on the wire, in exactly the shapes its history records:
 * {@code :write [[group partition] v]} completing with the same value, and
 * {@code :read [[group partition] nil]} completing {@code ok} as {@code [[group partition] v]}
 * ({@code nil}: nothing committed) or {@code fail}/{@code info} as invoked. Anything else is refused at
 * the wire, naming why, rather than recorded for the linearizability checker to trip over after the run.
 * A client killed between operations leaves nothing: the keyed-register model knows only reads and
 * writes, and with nothing open nothing is indeterminate.
 */
public final class RegisterOps implements ClientOps {
  public static final Keyword READ = Keyword.newKeyword("read");
  public static final Keyword WRITE = Keyword.newKeyword("write");
  public static final RegisterOps INSTANCE = new RegisterOps();

  private RegisterOps() {}

  @Override
  public boolean crashOpWhenIdle() {
    return false;
  }

  @Override
  public String problem(ClientMessage m, Object invoked) {
    if (!READ.equals(m.f()) && !WRITE.equals(m.f())) {
      return "f=" + m.f() + " reason=not-a-register-op expected=[:read :write]";
    }
    String where = "f=" + m.f() + " type=" + m.type().keyword();
    if (!(m.value() instanceof List<?> tuple) || tuple.size() != 2) {
      return where + " reason=value-not-a-key-value-pair";
    }
    if (!(tuple.get(0) instanceof List<?> key) || key.size() != 2 || !(key.get(0) instanceof String group)
        || group.isEmpty() || !(key.get(1) instanceof Long partition) || partition < 0) {
      return where + " reason=key-not-a-group-partition-pair";
    }
    String shape = WRITE.equals(m.f()) ? writeProblem(tuple.get(1)) : readProblem(m.type(), tuple.get(1));
    if (shape != null) {
      return where + " reason=" + shape;
    }
    if (invoked instanceof List<?> was && !was.isEmpty() && !key.equals(was.get(0))) {
      return where + " invoked-key=" + Printers.printString(was.get(0)) + " reason=completion-of-another-key";
    }
    if (invoked != null && WRITE.equals(m.f()) && !tuple.equals(invoked)) {
      return where + " invoked=" + Printers.printString(invoked) + " reason=write-completed-with-another-value";
    }
    return null;
  }

  private static String writeProblem(Object value) {
    return value instanceof Long ? null : "written-value-not-a-number";
  }

  private static String readProblem(ClientMessage.Type type, Object value) {
    if (type == ClientMessage.Type.OK) {
      return value == null || value instanceof Long ? null : "read-value-not-a-number-or-nil";
    }
    return value == null ? null : type == ClientMessage.Type.INVOKE ? "read-invoked-with-a-value"
        : "unfinished-read-with-a-value";
  }
}
