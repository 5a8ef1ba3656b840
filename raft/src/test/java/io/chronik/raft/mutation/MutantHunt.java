package io.chronik.raft.mutation;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.LongStream;

/**
 * The ordinary swarm simulation, seed after seed, until the first failing seed or the budget: run in
 * a child JVM whose class path holds a mutated module and the test class path without the module's
 * real classes, with assertions off as in production, so only the simulation's invariants can catch
 * the bug. Arguments: the simulation class ({@link MutatedModule#simulation}), first seed, budget,
 * threads. Prints one line: {@code hunt caught=… invariant=… firstSeed=… seedsRun=… wallS=…} and the failure.
 */
public final class MutantHunt {

  private MutantHunt() {}

  public static void main(String[] args) throws Exception {
    long first = Long.parseLong(args[1]);
    long budget = Long.parseLong(args[2]);
    int threads = Integer.parseInt(args[3]);
    Method failureOf = Class.forName(args[0]).getMethod("failureOf", long.class);
    failureOf.setAccessible(true);
    long started = System.nanoTime();
    // blocks of seeds in parallel; the smallest failing seed wins, so the answer does not depend on threads.
    // Blocks start at one seed per thread and double up to eight: a bug caught at once costs few seeds.
    int block = threads;
    ConcurrentSkipListMap<Long, String> failures = new ConcurrentSkipListMap<>();
    long next = first;
    while (next < first + budget && failures.isEmpty()) {
      long from = next;
      long to = Math.min(first + budget, from + block);
      block = Math.min(block * 2, threads * 8);
      LongStream.range(from, to).parallel().forEach(seed -> {
        try {
          String failure = (String) failureOf.invoke(null, seed);
          if (failure != null) {
            failures.put(seed, failure);
          }
        } catch (ReflectiveOperationException e) {
          failures.put(seed, "seed=" + seed + " timeMs=? core-exception:" + e.getCause());
        }
      });
      next = to;
    }
    double wallS = (System.nanoTime() - started) / 1e9;
    if (failures.isEmpty()) {
      System.out.printf("hunt caught=false invariant=- firstSeed=- seedsRun=%d wallS=%.1f%n", budget, wallS);
      return;
    }
    long seed = failures.firstKey();
    String failure = failures.firstEntry().getValue();
    System.out.printf("hunt caught=true invariant=%s firstSeed=%d seedsRun=%d wallS=%.1f%n", invariant(failure), seed,
        seed - first + 1, wallS);
    System.out.println("failure " + failure.replace('\n', ' '));
  }

  /** The invariant a failure line names: the word after {@code seed=… timeMs=…}. */
  static String invariant(String failure) {
    String[] words = failure.split(" ");
    if (words.length < 3) {
      return failure;
    }
    String word = words[2];
    return word.endsWith(":") ? word.substring(0, word.length() - 1) : word;
  }
}
