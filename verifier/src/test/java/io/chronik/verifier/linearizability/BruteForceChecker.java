package io.chronik.verifier.linearizability;

import io.chronik.verifier.history.History;
import io.chronik.verifier.history.Operation;
import io.chronik.verifier.model.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * The definition, executed: tries every order of the operations that respects real time, where each
 * open operation may also be left out. Exponential; for histories of a handful of operations.
 */
final class BruteForceChecker {
  private BruteForceChecker() {}

  static <S, C> boolean linearizable(Model<S, C> model, History history) {
    List<Operation> ops = new ArrayList<>();
    List<C> calls = new ArrayList<>();
    for (Operation op : history.operations()) {
      C c = model.call(op);
      if (c != null) {
        ops.add(op);
        calls.add(c);
      }
    }
    return search(model, ops, calls, new boolean[ops.size()], model.init());
  }

  private static <S, C> boolean search(Model<S, C> model, List<Operation> ops, List<C> calls, boolean[] done, S state) {
    boolean allCompletedDone = true;
    for (int i = 0; i < ops.size(); i++) {
      if (!done[i] && !ops.get(i).isOpen()) {
        allCompletedDone = false;
      }
    }
    if (allCompletedDone) {
      return true; // the remaining open operations did not happen
    }
    for (int i = 0; i < ops.size(); i++) {
      if (done[i] || !minimal(ops, done, i)) {
        continue;
      }
      S next = model.step(state, calls.get(i));
      done[i] = true;
      boolean found = next != null && search(model, ops, calls, done, next);
      // or: an open operation that never happened
      found = found || (ops.get(i).isOpen() && search(model, ops, calls, done, state));
      done[i] = false;
      if (found) {
        return true;
      }
    }
    return false;
  }

  /** No pending operation completed before op i was invoked. */
  private static boolean minimal(List<Operation> ops, boolean[] done, int i) {
    for (int j = 0; j < ops.size(); j++) {
      if (!done[j] && j != i && ops.get(j).precedes(ops.get(i))) {
        return false;
      }
    }
    return true;
  }
}
