package io.chronik.broker.protocol;

import java.util.List;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Records of a Fetch response that stay in the log's files: whole Kafka batches as file regions, in
 * order. Only {@link RequestContext#respondZeroCopy} can serialize them (it cuts the response around
 * them); Kafka's own send path is not used.
 */
public final class RegionRecords implements BaseRecords {
  private final List<FileSlice> slices;
  private final int sizeBytes;

  public RegionRecords(List<FileSlice> slices) {
    this.slices = List.copyOf(slices);
    long total = 0;
    for (FileSlice s : slices) {
      total += s.length();
    }
    this.sizeBytes = Math.toIntExact(total);
  }

  public List<FileSlice> slices() {
    return slices;
  }

  @Override
  public int sizeInBytes() {
    return sizeBytes;
  }

  @Override
  public RecordsSend<? extends BaseRecords> toSend() {
    throw new UnsupportedOperationException("reason=region-records-are-written-by-respondZeroCopy");
  }
}
