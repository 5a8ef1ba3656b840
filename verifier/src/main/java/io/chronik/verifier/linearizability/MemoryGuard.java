package io.chronik.verifier.linearizability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import javax.management.NotificationEmitter;

/**
 * Says when the heap is nearly full of live data, so that a search whose memo outgrows the heap
 * stops with an UNKNOWN verdict instead of an OutOfMemoryError. "Live" is what a garbage collection
 * left behind (the JVM's collection-usage threshold, {@value #FRACTION} of each bounded heap pool),
 * so garbage waiting for a collection never trips it. The JVM notifies a listener, so
 * {@link #exceeded()} is one volatile read, cheap enough for every search step.
 */
final class MemoryGuard {
  /** Share of a heap pool that live data may fill before searches stop. */
  static final double FRACTION = 0.85;

  private static final List<MemoryPoolMXBean> POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()
          && p.getUsage().getMax() > 0)
      .toList();
  private static volatile boolean exceeded;

  static {
    for (MemoryPoolMXBean pool : POOLS) {
      pool.setCollectionUsageThreshold((long) (pool.getUsage().getMax() * FRACTION));
    }
    if (ManagementFactory.getMemoryMXBean() instanceof NotificationEmitter emitter) {
      emitter.addNotificationListener((notification, handback) -> {
        if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(notification.getType())) {
          exceeded = true;
        }
      }, null, null);
    }
  }

  private MemoryGuard() {}

  /** Called as a check starts: clears an earlier alarm if collections have since freed the heap. */
  static void rearm() {
    boolean over = false;
    for (MemoryPoolMXBean pool : POOLS) {
      over |= pool.getCollectionUsage() != null
          && pool.getCollectionUsage().getUsed() >= pool.getCollectionUsageThreshold();
    }
    exceeded = over;
  }

  /** True once live data filled {@value #FRACTION} of a heap pool. */
  static boolean exceeded() {
    return exceeded;
  }
}
