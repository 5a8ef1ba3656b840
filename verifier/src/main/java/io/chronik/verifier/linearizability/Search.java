package io.chronik.verifier.linearizability;

import io.chronik.verifier.report.Verdict;
import io.chronik.verifier.history.Operation;
import io.chronik.verifier.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Wing–Gong search with Lowe's just-in-time linearization over one partition, iterative.
 *
 * <p>Events (invocations and completions, in history order; open operations complete at the end of
 * time) form a doubly linked list. Walking it from the head, an invocation is a candidate: if the model
 * accepts it in the current state and the resulting (linearized set, state) pair is new, the
 * operation is linearized: pushed on an explicit stack and its two events unlinked ("lifted"), and the
 * walk restarts at the head. Reaching a completion means that operation had to be linearized already:
 * backtrack by popping the last choice, relinking its events and trying the next candidate after it.
 * The list is empty exactly when every operation is linearized (VALID); backtracking from an empty stack
 * means no order works (INVALID). The linearized set is a bitset with an incrementally maintained
 * Zobrist hash, so a memo probe costs O(1) hashing plus an equality check on a hit.
 *
 * <p>Partial-order reduction: when a legal candidate is {@linkplain Model#readOnly read-only} (it never
 * changes any state), it is committed instead of being a choice point. If any linearization extends
 * the current prefix P, one extends P + op: move op to the front; it is legal in P's state, changes
 * no state wherever it stands, and no later op can have to precede it in real time, since op
 * was invoked before any unlinearized op completed (that is what being a candidate means). So when
 * P + op fails, P fails, and backtracking skips the alternatives at that level; likewise when
 * (P + op, state) is already in the memo.
 *
 * <p>Open operations (info, or never completed) complete at the end of time, so nothing can be
 * required to follow them: one that would have no effect at a point is not tried there (moved to the
 * end, it is "did not happen"), and the search succeeds once every completed operation is linearized.
 */
final class Search<S, C> {
  private static final int NIL = -1;
  private static final int POLL_MASK = 4095;

  private final Model<S, C> model;
  private final List<Operation> operations;
  private final C[] calls;
  private final BooleanSupplier stop;
  private final Progress progress;

  // The event list: nodes 0 .. 2n-1 are events in history order, node 2n is the head.
  private final int n;
  private final int head;
  private final int[] next;
  private final int[] prev;
  private final int[] eventOp;
  private final boolean[] isReturn;
  private final int[] callEvent;
  private final int[] returnEvent;
  private final boolean[] readOnly;
  private final boolean[] open;
  private final long[] zobrist;

  Search(Model<S, C> model, List<Operation> operations, C[] calls, BooleanSupplier stop, Progress progress) {
    this.model = model;
    this.operations = operations;
    this.calls = calls;
    this.stop = stop;
    this.progress = progress;
    n = operations.size();
    head = 2 * n;
    long[] order = new long[2 * n];
    for (int i = 0; i < n; i++) {
      Operation op = operations.get(i);
      order[2 * i] = ((long) op.invokePosition() << 32) | ((long) i << 1);
      order[2 * i + 1] = ((long) op.completionPosition() << 32) | ((long) i << 1) | 1;
    }
    Arrays.sort(order);
    next = new int[2 * n + 1];
    prev = new int[2 * n + 1];
    eventOp = new int[2 * n];
    isReturn = new boolean[2 * n];
    callEvent = new int[n];
    returnEvent = new int[n];
    for (int e = 0; e < 2 * n; e++) {
      int op = (int) ((order[e] & 0xFFFF_FFFFL) >>> 1);
      eventOp[e] = op;
      isReturn[e] = (order[e] & 1) != 0;
      if (isReturn[e]) {
        returnEvent[op] = e;
      } else {
        callEvent[op] = e;
      }
      next[e] = e + 1 < 2 * n ? e + 1 : NIL;
      prev[e] = e == 0 ? head : e - 1;
    }
    next[head] = n == 0 ? NIL : 0;
    readOnly = new boolean[n];
    open = new boolean[n];
    zobrist = new long[n];
    SplittableRandom random = new SplittableRandom(0x5DEECE66DL + n);
    for (int i = 0; i < n; i++) {
      readOnly[i] = model.readOnly(calls[i]);
      open[i] = operations.get(i).isOpen();
      zobrist[i] = random.nextLong();
    }
  }

  /** Runs the search once; a Search is single-use. */
  PartitionResult run(Object key) {
    final int[] next = this.next;
    final int[] prev = this.prev;
    long[] linearized = new long[(n + 63) >>> 6];
    long setHash = 0;
    StateCache cache = new StateCache(n * 16);
    int firstWord = 0; // words before it are all ones
    int lastWord = 0; // words from it on are zero
    int[] stackOp = new int[n];
    Object[] stackState = new Object[n];
    int depth = 0;
    int bestDepth = -1;
    int[] bestPrefix = new int[0];
    int offending = -1;
    S state = model.init();
    long steps = 0;
    long published = 0;
    int e = next[head];
    // Done when every completed op is linearized: the open ones left can all go at the end of time.
    int closedRemaining = 0;
    for (boolean o : open) {
      closedRemaining += o ? 0 : 1;
    }
    while (closedRemaining > 0) {
      if ((++steps & POLL_MASK) == 0) {
        progress.steps.addAndGet(steps - published);
        published = steps;
        if (stop.getAsBoolean()) {
          progress.steps.addAndGet(steps - published);
          return new PartitionResult(key, Verdict.UNKNOWN, operations, List.of(), null, steps, cache.size());
        }
      }
      boolean backtrack;
      if (!isReturn[e]) {
        int op = eventOp[e];
        S nextState = model.step(state, calls[op]);
        if (nextState == null || (open[op] && sameState(nextState, state))) {
          // Illegal here; or an open op that would have no effect here, which never needs placing:
          // any linearization that has it here is just as valid with it moved to the end of time,
          // where it is "did not happen" (nothing can be required to follow an open op).
          e = next[e];
          continue;
        }
        // A read-only op commutes with every candidate: committing to it
        // now loses no linearization (see class comment), so it is not a choice point.
        boolean committed = readOnly[op];
        int word = op >>> 6;
        linearized[word] |= 1L << op;
        int candidateFirst = firstWord;
        while (candidateFirst < linearized.length && linearized[candidateFirst] == -1L) {
          candidateFirst++;
        }
        int candidateLast = Math.max(lastWord, word + 1);
        long candidateHash = setHash ^ zobrist[op];
        if (cache.add(candidateHash ^ mix(nextState.hashCode()), linearized, candidateFirst, candidateLast, nextState)) {
          firstWord = candidateFirst;
          lastWord = candidateLast;
          closedRemaining -= open[op] ? 0 : 1;
          stackOp[depth] = committed ? ~op : op;
          stackState[depth++] = state;
          state = nextState;
          setHash = candidateHash;
          unlink(next, prev, e);
          unlink(next, prev, returnEvent[op]);
          e = next[head];
          continue;
        }
        linearized[word] &= ~(1L << op);
        if (!committed) {
          e = next[e];
          continue;
        }
        // (prefix + op, state) was explored and failed, so the prefix itself fails.
        backtrack = true;
      } else {
        if (depth > bestDepth) {
          bestDepth = depth;
          bestPrefix = Arrays.copyOf(stackOp, depth);
          offending = eventOp[e];
        }
        backtrack = true;
      }
      while (backtrack) {
        if (depth == 0) {
          progress.steps.addAndGet(steps - published);
          return illegal(key, bestPrefix, offending, steps, cache.size());
        }
        int entry = stackOp[--depth];
        int op = entry < 0 ? ~entry : entry;
        @SuppressWarnings("unchecked")
        S previous = (S) stackState[depth];
        state = previous;
        stackState[depth] = null;
        closedRemaining += open[op] ? 0 : 1;
        int word = op >>> 6;
        linearized[word] &= ~(1L << op);
        firstWord = Math.min(firstWord, word);
        while (lastWord > 0 && linearized[lastWord - 1] == 0) {
          lastWord--;
        }
        setHash ^= zobrist[op];
        relink(next, prev, returnEvent[op]);
        relink(next, prev, callEvent[op]);
        e = next[callEvent[op]];
        backtrack = entry < 0;
      }
    }
    progress.steps.addAndGet(steps - published);
    return new PartitionResult(key, Verdict.VALID, operations, List.of(), null, steps, cache.size());
  }

  private PartitionResult illegal(Object key, int[] prefix, int offending, long steps, int cacheEntries) {
    List<Operation> ops = new ArrayList<>(prefix.length);
    for (int entry : prefix) {
      ops.add(operations.get(entry < 0 ? ~entry : entry));
    }
    return new PartitionResult(key, Verdict.INVALID, operations, List.copyOf(ops), operations.get(offending),
        steps, cacheEntries);
  }

  private static boolean sameState(Object a, Object b) {
    return a == b || (a.hashCode() == b.hashCode() && a.equals(b));
  }

  private static long mix(int stateHash) {
    long h = stateHash * 0xC2B2AE3D27D4EB4FL;
    return h ^ (h >>> 29);
  }

  private static void unlink(int[] next, int[] prev, int x) {
    next[prev[x]] = next[x];
    if (next[x] != NIL) {
      prev[next[x]] = prev[x];
    }
  }

  private static void relink(int[] next, int[] prev, int x) {
    next[prev[x]] = x;
    if (next[x] != NIL) {
      prev[next[x]] = x;
    }
  }
}
