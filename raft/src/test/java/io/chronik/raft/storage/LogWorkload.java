package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded random workload over one {@link SegmentedLog} on a {@link SimulatedDisk}, with a model
 * of what must survive a crash, shared by the crash-consistency tests.
 */
final class LogWorkload {
  static final Path DIR = Path.of("/node/group-7");

  final long seed;
  final Random random;
  final LogConfig config;
  SimulatedDisk disk = new SimulatedDisk();
  SegmentedLog log;
  HardStateFile hardState;
  /** Every entry ever appended at an index that has not been truncated since. */
  final TreeMap<Long, LogEntry> model = new TreeMap<>();
  long synced;
  long commit;
  long lowestFirst = 1;
  long highestFirst = 1;
  private long term = 1;
  private long key;

  LogWorkload(long seed) throws IOException {
    this.seed = seed;
    this.random = new Random(seed);
    this.config = new LogConfig(4096 + random.nextInt(4096), 64 + random.nextInt(512),
        256 + random.nextInt(2048), random.nextBoolean());
    open();
  }

  void open() throws IOException {
    hardState = new HardStateFile(disk, DIR);
    disk.createDirectoriesDurably(DIR);
    long floor = hardState.load().commit();
    log = SegmentedLog.open(disk, DIR, config, floor, false);
    commit = floor;
  }

  LogEntry nextEntry() {
    if (random.nextInt(10) == 0) {
      term++;
    }
    long entryKey = LogEntry.NO_KEY;
    if (random.nextInt(5) != 0) {
      key += 1 + random.nextInt(5);
      entryKey = key;
    }
    byte[] payload = new byte[random.nextInt(random.nextInt(10) == 0 ? 1500 : 200)];
    random.nextBytes(payload);
    return new LogEntry(log.lastIndex() + 1, term, entryKey, random.nextInt(3), payload);
  }

  void append(LogEntry e) throws IOException {
    log.append(e.index(), e.term(), e.key(), e.kind(), ByteBuffer.wrap(e.payload()));
    model.put(e.index(), e);
  }

  /** One random operation; an IOException means the simulated power failed during it. */
  void step() throws IOException {
    int op = random.nextInt(100);
    if (op < 50) {
      for (int n = 1 + random.nextInt(4); n > 0; n--) {
        append(nextEntry());
      }
    } else if (op < 72) {
      synced = log.sync();
    } else if (op < 80) {
      long low = Math.max(commit, log.firstIndex() - 1) + 1;
      if (log.lastIndex() >= low) {
        long from = low + random.nextInt((int) (log.lastIndex() - low + 1));
        synced = Math.min(synced, from - 1); // lowered first: the cut may be durable mid-way
        log.truncateSuffix(from);
        model.tailMap(from).clear();
      }
    } else if (op < 86) {
      long high = Math.min(log.lastIndex() + 1, commit + 1);
      if (high > log.firstIndex()) {
        long to = log.firstIndex() + 1 + random.nextInt((int) (high - log.firstIndex()));
        highestFirst = to;
        log.truncatePrefix(to);
      }
    } else if (op < 94) {
      if (synced > commit) {
        long next = commit + 1 + random.nextInt((int) (synced - commit));
        hardState.store(new HardStateFile.Stored(term, 1, next));
        commit = next;
      }
    } else if (log.lastIndex() >= log.firstIndex()) {
      long from = log.firstIndex() + random.nextInt((int) (log.lastIndex() - log.firstIndex() + 1));
      for (LogEntry e : log.read(from, log.lastIndex() + 1, random.nextInt(2000))) {
        assertSame(e);
      }
    }
  }

  /** Crash, restart, and check the recovered log against the model; returns the recovered log. */
  void crashAndVerify(CrashPolicy policy) throws IOException {
    disk.crash(policy);
    if (random.nextInt(4) == 0) {
      disk.cutPowerAfter(random.nextInt(4)); // a crash during recovery itself
      try {
        open();
        log.close();
      } catch (IOException powerCut) {
        assertThat(disk.powerCut()).as("seed=%d %s", seed, powerCut).isTrue();
      }
      disk.crash(policy);
    }
    open();
    verifyRecovered();
  }

  void verifyRecovered() throws IOException {
    String context = "seed=" + seed + " report=" + log.recoveryReport() + " synced=" + synced;
    assertThat(log.lastIndex()).as(context).isGreaterThanOrEqualTo(synced);
    assertThat(log.lastIndex()).as(context).isGreaterThanOrEqualTo(commit);
    assertThat(log.firstIndex()).as(context).isBetween(lowestFirst, highestFirst);
    long modelLast = model.isEmpty() ? 0 : model.lastKey();
    assertThat(log.lastIndex()).as(context).isLessThanOrEqualTo(Math.max(modelLast, log.firstIndex() - 1));
    if (log.lastIndex() >= log.firstIndex()) {
      for (LogEntry e : log.read(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE)) {
        assertSame(e);
        assertThat(log.term(e.index())).isEqualTo(e.term());
      }
    }
    // Reconcile the model with what a restart legitimately kept.
    model.tailMap(log.lastIndex() + 1).clear();
    synced = log.lastIndex();
    lowestFirst = highestFirst = log.firstIndex();
    term = Math.max(term, log.lastTerm());
  }

  void assertSame(LogEntry e) {
    LogEntry expected = model.get(e.index());
    String context = "seed=" + seed + " index=" + e.index();
    assertThat(expected).as(context).isNotNull();
    assertThat(e.term()).as(context).isEqualTo(expected.term());
    assertThat(e.key()).as(context).isEqualTo(expected.key());
    assertThat(e.kind()).as(context).isEqualTo(expected.kind());
    assertThat(Arrays.equals(e.payload(), expected.payload())).as(context).isTrue();
  }
}
