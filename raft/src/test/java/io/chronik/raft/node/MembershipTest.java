package io.chronik.raft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.LogStorage;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.membership.Configuration;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MembershipTest {
  private static final int ENTRY_BYTES = 64 << 10;
  private static final long CHANGE_AT = 90;
  private static final long LAST = 100;
  private static final long SCAN_BYTES = 1 << 20;

  /**
   * A restarted leader's commit may lie thousands of entries (gigabytes) below its last index; looking for a
   * configuration change in that range once read all of it into one list and killed a 1 GiB broker with
   * OutOfMemoryError. Membership now finds changes by index ({@code RaftLog.configIndexes}); the only reads
   * left are the log's start-up scan, 1 MiB at a time: every read stays within that plus one entry.
   */
  @Test
  void lookingForAConfigChangeReadsTheUncommittedTailInBoundedSteps() {
    MemoryLogStorage memory = new MemoryLogStorage();
    List<Entry> entries = new ArrayList<>();
    for (long i = 1; i <= LAST; i++) {
      entries.add(new Entry(i, 1, i == CHANGE_AT ? EntryType.CONFIG : EntryType.NORMAL, new byte[ENTRY_BYTES]));
    }
    memory.append(entries);
    AtomicLong largestRead = new AtomicLong();
    RaftLog log = new RaftLog(measured(memory, largestRead));
    Membership membership = new Membership(Configuration.of(List.of(1, 2, 3)), 0);

    assertThat(membership.firstChangeIn(log, 0, LAST)).isEqualTo(CHANGE_AT);
    assertThat(membership.firstChangeIn(log, CHANGE_AT, LAST)).as("no change above it").isEqualTo(LAST);
    assertThat(membership.uncommittedChangeIn(log, 0)).isTrue();
    assertThat(membership.uncommittedChangeIn(log, CHANGE_AT)).isFalse();
    assertThat(largestRead.get()).as("largest single read, bytes").isPositive()
        .isLessThanOrEqualTo(SCAN_BYTES + ENTRY_BYTES);
  }

  /** {@code storage}, noting the largest payload total one {@code entries} call returned. */
  private static LogStorage measured(LogStorage storage, AtomicLong largestRead) {
    return (LogStorage) Proxy.newProxyInstance(LogStorage.class.getClassLoader(), new Class<?>[] {LogStorage.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(storage, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("entries")) {
            long bytes = 0;
            for (Object e : (List<?>) result) {
              bytes += ((Entry) e).payload().length;
            }
            largestRead.accumulateAndGet(bytes, Math::max);
          }
          return result;
        });
  }
}
