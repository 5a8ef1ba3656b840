package io.chronik.verifier.linearizability;

import io.chronik.verifier.report.Verdict;
import io.chronik.verifier.history.Operation;
import java.util.List;

/**
 * The verdict for one independent sub-history.
 *
 * @param key the partition key ({@link io.chronik.verifier.model.Model#partitionKey}), null for the
 *     single partition
 * @param operations the partition's operations that took part in the search, in invocation order
 * @param longestPrefix for INVALID: the longest linearizable prefix found, in linearization order;
 *     empty otherwise
 * @param offending for INVALID: the operation that could not be placed after that prefix (it completed
 *     before any remaining candidate could be linearized); null otherwise
 * @param steps model steps taken
 * @param cacheEntries distinct (linearized set, state) pairs visited
 */
public record PartitionResult(
    Object key,
    Verdict verdict,
    List<Operation> operations,
    List<Operation> longestPrefix,
    Operation offending,
    long steps,
    int cacheEntries) {}
