package io.chronik.control.nemesis;

import io.chronik.control.disk.DiskErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A disk that fails under a running broker, through the lazy file system under its data dir:
 * {@code disk-eio} makes the leader of partition 0's writes and fsyncs return EIO (a dying disk; reads
 * keep working), {@code disk-full} makes every node's writes, creations and fsyncs return ENOSPC (a
 * full disk). A broker whose storage fails fences itself: it stops pinging, answers the failed appends
 * KAFKA_STORAGE_ERROR and halts (exit 74), so peers elect and clients move on. Heal is an operator's:
 * errors off, then every target whose broker is no longer running is started again from its data.
 *
 * <p>disk-full hits every node because its promise is about a cluster that cannot write: with one
 * full node the others keep acknowledging and no send has to fail; with all of them full no send may
 * be acknowledged, and every replica must recover from a failed append without losing what was.
 */
public final class DiskErrorFault implements Fault {
  private final DiskErrors errors;

  private DiskErrorFault(DiskErrors errors) {
    this.errors = errors;
  }

  /** The leader of partition 0 gets EIO on write and fsync. */
  public static DiskErrorFault eio() {
    return new DiskErrorFault(DiskErrors.EIO);
  }

  /** Every node gets ENOSPC on write, create and fsync. */
  public static DiskErrorFault full() {
    return new DiskErrorFault(DiskErrors.ENOSPC);
  }

  @Override
  public String name() {
    return errors == DiskErrors.EIO ? "disk-eio" : "disk-full";
  }

  @Override
  public String help() {
    return errors == DiskErrors.EIO
        ? "the leader of partition 0: its data dir's writes and fsyncs return EIO (lazyfs; reads work), "
            + "so it fences itself; healed: errors off, restarted if it halted"
        : "every node: data dir writes, creations and fsyncs return ENOSPC (lazyfs); "
            + "healed: space back, every halted node restarted";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB);
  }

  @Override
  public boolean needsLazyDataDir() {
    return true;
  }

  @Override
  public String chronikOnlyBecause() {
    return "it checks Chronik's node fence (a storage failure halts the broker, exit 74); Kafka's log-dir "
        + "failure handling is not what it promises and is untested";
  }

  @Override
  public int minNodes() {
    return errors == DiskErrors.EIO ? 2 : 1;
  }

  @Override
  public Injection pick(Draw draw) {
    return errors == DiskErrors.EIO
        ? Injection.of(List.of()) // the leader, known only when the fault starts
        : Injection.of(draw.shuffled());
  }

  @Override
  public Injection resolve(Injection picked, Testbed bed) {
    return errors == DiskErrors.EIO ? Injection.of(List.of(bed.leader())) : picked;
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    for (String node : injection.targets()) {
      bed.diskErrors(node, errors);
    }
    return "disk-errors=" + errors.word() + " nodes=" + injection.targets();
  }

  /**
   * Errors off on every target first (a restarted broker must find a working disk), then the targets
   * that halted are started. For {@code disk-eio} the leader of partition 0 is asked before the
   * restart: the fenced node's peers must have elected another one.
   */
  @Override
  public String heal(Injection injection, Testbed bed) {
    for (String node : injection.targets()) {
      bed.diskErrors(node, DiskErrors.OFF);
    }
    List<String> fenced = new ArrayList<>();
    for (String node : injection.targets()) {
      if (!bed.running(node)) {
        fenced.add(node);
      }
    }
    String leader = "";
    if (errors == DiskErrors.EIO && !fenced.isEmpty()) {
      leader = " leader-while-fenced=" + leaderOrError(bed);
    }
    for (String node : fenced) {
      bed.start(node);
    }
    return "disk-errors=off fenced=" + fenced + leader + " restarted=" + fenced;
  }

  private static String leaderOrError(Testbed bed) {
    try {
      return bed.leader();
    } catch (RuntimeException e) {
      return "none error=" + String.valueOf(e.getMessage()).replace(' ', '_');
    }
  }
}
