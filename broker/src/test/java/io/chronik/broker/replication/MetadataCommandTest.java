package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MetadataCommandTest {
  private static final List<MetadataCommand> SAMPLES = List.of(
      new MetadataCommand.CreateTopic("orders", 0x1234_5678_9abc_def0L, -5L, 12, 3),
      new MetadataCommand.CreateTopic("", 0, 0, 1, 1),
      new MetadataCommand.DeleteTopic("orders"),
      new MetadataCommand.AddPartitions("orders", 24, 3),
      new MetadataCommand.CommitOffsets("g1", List.of()),
      new MetadataCommand.CommitOffsets("group-ü", List.of(
          new MetadataCommand.Offset("orders", 0, 42L, 7, null),
          new MetadataCommand.Offset("orders", 1, Long.MAX_VALUE, -1, ""),
          new MetadataCommand.Offset("t2", 5, 0L, 3, "meta data"))),
      new MetadataCommand.ClusterId("vFQ2xKj7TUWlrLL0Uz0tCg"),
      new MetadataCommand.CreateTopic("logs", 1, 2, 3, 3, java.util.Map.of("retention.ms", "60000",
          "segment.bytes", "4096")),
      new MetadataCommand.TopicConfigs("logs", java.util.Map.of("retention.bytes", "1024")),
      new MetadataCommand.TopicConfigs("logs", java.util.Map.of()),
      new MetadataCommand.MovePartition("logs", 2, List.of(3, 1, 2)),
      new MetadataCommand.MovePartition("logs", 0, List.of()),
      new MetadataCommand.PartitionMoved("logs", 2, List.of(3, 1, 2)),
      new MetadataCommand.RegisterNode(3, "10.0.0.4", 9095, 9195, 0x0123_4567_89ab_cdefL, -2L),
      new MetadataCommand.UnregisterNode(3),
      new MetadataCommand.ReplicaRejoined(3, ReplicaRejoins.METADATA_LEFT));

  @Test
  void aCreateTopicWithoutConfigsIsWrittenInTheFormatOlderNodesRead() {
    byte[] bytes = MetadataCommand.encode(SAMPLES.get(0));
    assertThat(bytes[0]).isEqualTo(MetadataCommand.CREATE_TOPIC);
    assertThat(MetadataCommand.encode(SAMPLES.get(7))[0]).isEqualTo(MetadataCommand.CREATE_TOPIC_WITH_CONFIGS);
  }

  @Test
  void everyCommandTypeRoundTrips() {
    for (MetadataCommand command : SAMPLES) {
      assertThat(MetadataCommand.decode(MetadataCommand.encode(command))).isEqualTo(command);
    }
  }

  @Test
  void nullMetadataAndEmptyMetadataStayDistinct() {
    MetadataCommand.CommitOffsets decoded = (MetadataCommand.CommitOffsets) MetadataCommand.decode(
        MetadataCommand.encode(SAMPLES.get(5)));

    assertThat(decoded.offsets().get(0).metadata()).isNull();
    assertThat(decoded.offsets().get(1).metadata()).isEmpty();
  }

  @Test
  void unknownTagAndEmptyPayloadAreRefused() {
    assertThatThrownBy(() -> MetadataCommand.decode(new byte[] {99}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=unknown-metadata-command");
    assertThatThrownBy(() -> MetadataCommand.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=");
  }

  @Test
  void anUnknownRejoinStepIsRefused() {
    byte[] bytes = MetadataCommand.encode(new MetadataCommand.ReplicaRejoined(3, ReplicaRejoins.VOTER_RESTORED));
    bytes[bytes.length - 1] = 9;
    assertThatThrownBy(() -> MetadataCommand.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=unknown-rejoin-step");
  }

  @Test
  void hugeOffsetCountIsRefusedWithoutAllocating() {
    byte[] valid = MetadataCommand.encode(new MetadataCommand.CommitOffsets("g", List.of()));
    byte[] huge = valid.clone();
    // tag(1) + utf "g"(2+1) then the count
    huge[4] = 0x7f;

    assertThatThrownBy(() -> MetadataCommand.decode(huge))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=bad-offset-count");
  }

  /** Malformed input: a command or IllegalArgumentException with reason=, nothing else. */
  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS) // a decode that loops forever fails here
  void fuzzedPayloadsDecodeOrFailWithIllegalArgument() {
    SplittableRandom random = new SplittableRandom(20261128L);
    List<byte[]> valid = new ArrayList<>();
    for (MetadataCommand c : SAMPLES) {
      valid.add(MetadataCommand.encode(c));
    }
    int decoded = 0;
    for (int iteration = 0; iteration < 5_000; iteration++) {
      byte[] input = mutate(random, valid.get(random.nextInt(valid.size())));
      try {
        assertThat(MetadataCommand.decode(input)).isNotNull();
        decoded++;
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).as("input=%s", Arrays.toString(input)).contains("reason=");
      } catch (RuntimeException | Error e) {
        throw new AssertionError("iteration=" + iteration + " input=" + Arrays.toString(input), e);
      }
    }
    assertThat(decoded).as("some mutations still decode (the fuzz reaches past the tag)").isPositive();
  }

  private static byte[] mutate(SplittableRandom random, byte[] valid) {
    switch (random.nextInt(4)) {
      case 0: {
        byte[] noise = new byte[random.nextInt(64)];
        random.nextBytes(noise);
        if (noise.length > 0 && random.nextBoolean()) {
          noise[0] = (byte) (1 + random.nextInt(4)); // a known tag, so the body gets parsed
        }
        return noise;
      }
      case 1:
        return Arrays.copyOf(valid, random.nextInt(valid.length + 1));
      case 2: {
        byte[] flipped = valid.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
          flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return flipped;
      }
      default: {
        byte[] flipped = valid.clone();
        flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
        return Arrays.copyOf(flipped, Math.max(1, flipped.length - random.nextInt(4)));
      }
    }
  }
}
