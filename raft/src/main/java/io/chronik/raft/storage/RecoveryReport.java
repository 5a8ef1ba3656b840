package io.chronik.raft.storage;

/**
 * What opening a log found and did. A torn tail after a crash is normal and reported here;
 * damage to durable data throws {@link CorruptLogException} instead (unless repair was requested,
 * in which case {@code repaired} is set and the damage is described here).
 *
 * @param firstIndex first retained index after recovery
 * @param lastIndex last valid index after recovery
 * @param droppedBytes bytes cut from the tail (torn or, with repair, corrupt records and after)
 * @param droppedSegments whole segment files removed because they followed the cut
 * @param segment file where the cut happened ("" if none)
 * @param offset byte offset of the cut in {@code segment} (-1 if none)
 * @param reason why the scan stopped there ("" if no cut)
 * @param repaired whether damage to durable data was cut away because repair was requested
 * @param scanned "" when the segments were not read: their state came from the summary a clean close left
 *     ({@link LogSummary}); else why every segment was scanned ({@code not-clean-shutdown}, {@code
 *     summary-missing}, {@code summary-size-mismatch}, ...)
 */
public record RecoveryReport(long firstIndex, long lastIndex, long droppedBytes, int droppedSegments,
    String segment, long offset, String reason, boolean repaired, String scanned) {

  /** The open read no segment: it trusted the summary of a clean close. */
  public boolean fromSummary() {
    return scanned.isEmpty();
  }

  public boolean droppedAnything() {
    return droppedBytes > 0 || droppedSegments > 0;
  }
}
