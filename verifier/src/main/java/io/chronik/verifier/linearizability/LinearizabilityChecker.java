package io.chronik.verifier.linearizability;

import io.chronik.verifier.report.Verdict;
import io.chronik.verifier.history.History;
import io.chronik.verifier.history.Operation;
import io.chronik.verifier.model.Model;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Checks a history for linearizability against a {@link Model}.
 *
 * <p>Client operations are decoded by the model (nemesis ops are never seen), split into
 * partitions by {@link Model#partitionKey} when partitioning is on, and each partition is searched
 * by {@link Search}. Several partitions run in parallel on a pool of {@code threads}; the first
 * INVALID partition stops the others (they report UNKNOWN), and so do the time limit and a nearly
 * full heap ({@link MemoryGuard}: the search ends UNKNOWN rather than in an OutOfMemoryError). A
 * check never recurses, so history length is bounded by memory, not stack.
 */
public final class LinearizabilityChecker {

  /** How to check: time limit (null or zero for none), partitioning on/off, pool size. */
  public record Options(Duration timeLimit, boolean partitioning, int threads) {
    public static Options defaults() {
      return new Options(null, true, Runtime.getRuntime().availableProcessors());
    }

    public Options withTimeLimit(Duration limit) {
      return new Options(limit, partitioning, threads);
    }

    public Options withPartitioning(boolean on) {
      return new Options(timeLimit, on, threads);
    }

    public Options withThreads(int count) {
      return new Options(timeLimit, partitioning, count);
    }
  }

  private final Options options;

  public LinearizabilityChecker(Options options) {
    this.options = options;
  }

  public LinearizabilityChecker() {
    this(Options.defaults());
  }

  public <S, C> LinearizabilityResult check(Model<S, C> model, History history) {
    return check(model, history, new Progress());
  }

  /** Checks, publishing counters to {@code progress} as it goes. */
  public <S, C> LinearizabilityResult check(Model<S, C> model, History history, Progress progress) {
    long start = System.nanoTime();
    long deadline = options.timeLimit() == null || options.timeLimit().isZero()
        ? Long.MAX_VALUE : start + options.timeLimit().toNanos();
    List<Partition<C>> partitions = partition(model, history.operations());
    progress.partitionsTotal = partitions.size();
    AtomicBoolean illegalFound = new AtomicBoolean();
    AtomicReference<String> stoppedBy = new AtomicReference<>();
    MemoryGuard.rearm();
    BooleanSupplier stop = () -> {
      String reason = illegalFound.get() ? "other-partition-invalid"
          : System.nanoTime() - deadline > 0 ? "time-limit"
          : MemoryGuard.exceeded() ? "memory" : null;
      if (reason != null) {
        stoppedBy.compareAndSet(null, reason);
      }
      return reason != null;
    };
    List<PartitionResult> results = new ArrayList<>(partitions.size());
    int threads = Math.min(Math.max(1, options.threads()), partitions.size());
    if (threads <= 1) {
      for (Partition<C> p : partitions) {
        PartitionResult r = searchOne(model, p, stop, progress, stoppedBy);
        illegalFound.compareAndSet(false, r.verdict() == Verdict.INVALID);
        results.add(r);
      }
    } else {
      results.addAll(searchParallel(model, partitions, threads, stop, illegalFound, progress, stoppedBy));
    }
    Verdict verdict = Verdict.VALID;
    for (PartitionResult r : results) {
      verdict = verdict.and(r.verdict());
    }
    return new LinearizabilityResult(verdict, model.name(), List.copyOf(results),
        Duration.ofNanos(System.nanoTime() - start), verdict == Verdict.UNKNOWN ? stoppedBy.get() : null);
  }

  private <S, C> List<PartitionResult> searchParallel(Model<S, C> model, List<Partition<C>> partitions,
      int threads, BooleanSupplier stop, AtomicBoolean illegalFound, Progress progress,
      AtomicReference<String> stoppedBy) {
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "linearizability-" + threadNumber.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<PartitionResult>> futures = new ArrayList<>();
      for (Partition<C> p : partitions) {
        futures.add(pool.submit(() -> {
          PartitionResult r = searchOne(model, p, stop, progress, stoppedBy);
          if (r.verdict() == Verdict.INVALID) {
            illegalFound.set(true);
          }
          return r;
        }));
      }
      List<PartitionResult> results = new ArrayList<>();
      for (Future<PartitionResult> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("reason=interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("reason=search-failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static <S, C> PartitionResult searchOne(Model<S, C> model, Partition<C> p, BooleanSupplier stop,
      Progress progress, AtomicReference<String> stoppedBy) {
    try {
      if (stop.getAsBoolean()) {
        return new PartitionResult(p.key, Verdict.UNKNOWN, p.operations, List.of(), null, 0, 0);
      }
      return new Search<>(model, p.operations, p.calls, stop, progress).run(p.key);
    } catch (OutOfMemoryError e) {
      // The memo that filled the heap belongs to this search alone and is unreachable once the
      // search unwound to here, so the heap is free again: this key is undecided, the rest go on.
      stoppedBy.compareAndSet(null, "memory");
      return new PartitionResult(p.key, Verdict.UNKNOWN, p.operations, List.of(), null, 0, 0);
    } finally {
      progress.partitionsDone.incrementAndGet();
    }
  }

  private <C> List<Partition<C>> partition(Model<?, C> model, List<Operation> operations) {
    Map<Object, Partition<C>> byKey = new LinkedHashMap<>();
    Partition<C> single = new Partition<>(null);
    for (Operation op : operations) {
      C call = model.call(op);
      if (call == null) {
        continue;
      }
      Object key = options.partitioning() ? model.partitionKey(call) : null;
      Partition<C> p = key == null ? single : byKey.computeIfAbsent(key, Partition::new);
      p.operations.add(op);
      p.callList.add(call);
    }
    List<Partition<C>> out = new ArrayList<>();
    if (!single.operations.isEmpty() || byKey.isEmpty()) {
      out.add(single);
    }
    out.addAll(byKey.values());
    for (Partition<C> p : out) {
      p.freeze();
    }
    return out;
  }

  /** One partition's operations and their decoded calls, index-aligned. */
  private static final class Partition<C> {
    final Object key;
    final List<Operation> operations = new ArrayList<>();
    final List<C> callList = new ArrayList<>();
    C[] calls;

    Partition(Object key) {
      this.key = key;
    }

    @SuppressWarnings("unchecked")
    void freeze() {
      calls = (C[]) callList.toArray();
    }
  }
}
