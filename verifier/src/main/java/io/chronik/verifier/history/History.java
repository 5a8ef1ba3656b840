package io.chronik.verifier.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An immutable Jepsen history: ops in the order they happened, and their pairing into
 * {@link Operation}s.
 *
 * <p>Pairing follows Jepsen: each client process has at most one operation in flight; its next
 * completion ({@code ok}/{@code fail}/{@code info}) completes it. After an {@code info} completion the
 * operation stays open forever and the process must not invoke again (the client continues under a
 * new process id); on a client process, an invocation while an operation is in flight, or a
 * completion with nothing in flight, is rejected with a {@link HistoryException}. Named processes
 * (the nemesis) are paired the same way but kept apart and never refused: {@link #operations()}
 * holds client operations only and {@link #namedOperations()} the others, where a completion with
 * no invocation (a lone nemesis {@code :info}, common in older Jepsen histories) is an operation
 * whose invocation and completion are that one op, and a second invocation leaves the first open.
 */
public final class History implements Iterable<Op> {

  private final List<Op> ops;
  private final List<Operation> operations;
  private final List<Operation> namedOperations;
  private final int[] partner;

  private History(List<Op> ops) {
    this.ops = ops;
    this.partner = new int[ops.size()];
    List<Operation> client = new ArrayList<>();
    List<Operation> named = new ArrayList<>();
    pair(client, named);
    this.operations = Collections.unmodifiableList(client);
    this.namedOperations = Collections.unmodifiableList(named);
  }

  /** A history of the given ops, in order. */
  public static History of(List<Op> ops) {
    return new History(List.copyOf(ops));
  }

  /** A history of ops, re-indexed 0..n-1 (times kept). */
  public static History indexed(List<Op> ops) {
    List<Op> out = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      out.add(ops.get(i).withIndex(i));
    }
    return new History(Collections.unmodifiableList(out));
  }

  public static History empty() {
    return new History(List.of());
  }

  private void pair(List<Operation> client, List<Operation> named) {
    Map<Object, Integer> inFlight = new HashMap<>();
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      partner[i] = -1;
      Object process = op.processEdn();
      if (op.isInvoke()) {
        Integer open = inFlight.put(process, i);
        if (open != null && op.isClient()) {
          throw new HistoryException("index=" + op.index() + " process=" + process
              + " reason=invoke-while-in-flight in-flight-index=" + ops.get(open).index());
        }
        starts.add(i);
      } else {
        Integer open = inFlight.remove(process);
        if (open != null) {
          partner[i] = open;
          partner[open] = i;
        } else if (op.isClient()) {
          throw new HistoryException("index=" + op.index() + " process=" + process
              + " type=" + op.type().keyword() + " reason=completion-without-invoke");
        } else {
          starts.add(i); // a lone nemesis info (older Jepsen): an instant, kept for fault shading
        }
      }
    }
    for (int i : starts) {
      Op start = ops.get(i);
      if (!start.isInvoke()) {
        named.add(new Operation(named.size(), start, start, i, i));
        continue;
      }
      int c = partner[i];
      Op completion = c < 0 ? null : ops.get(c);
      boolean open = completion == null || completion.type() == OpType.INFO;
      List<Operation> target = start.isClient() ? client : named;
      target.add(new Operation(target.size(), start, completion, i, open ? Operation.END_OF_TIME : c));
    }
  }

  /** All ops, in history order (unmodifiable). */
  public List<Op> ops() {
    return ops;
  }

  public int size() {
    return ops.size();
  }

  public Op get(int position) {
    return ops.get(position);
  }

  /** Client operations ordered by invocation; {@link Operation#id()} is the position in this list. */
  public List<Operation> operations() {
    return operations;
  }

  /** Operations of named processes (the nemesis), ordered by invocation. */
  public List<Operation> namedOperations() {
    return namedOperations;
  }

  /**
   * The position of the op paired with the op at {@code position}: the completion of an invocation
   * or the invocation of a completion; -1 for an invocation that never completed.
   */
  public int partnerOf(int position) {
    return partner[position];
  }

  @Override
  public Iterator<Op> iterator() {
    return ops.iterator();
  }
}
