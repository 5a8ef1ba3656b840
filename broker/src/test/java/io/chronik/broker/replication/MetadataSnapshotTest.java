package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MetadataSnapshotTest {
  static MetadataSnapshot sample() {
    List<TopicSpec> topics = List.of(
        new TopicSpec("orders", new Uuid(0x1234_5678_9abc_def0L, -5L), List.of(
            new TopicSpec.PartitionSpec(0, 1, List.of(1, 2, 0)),
            new TopicSpec.PartitionSpec(1, 2, 4, List.of(2, 0, 1)),
            new TopicSpec.PartitionSpec(2, 4, 0, List.of(0, 1, 2), List.of(3, 1, 2))), Map.of("retention.ms", "60000",
            "cleanup.policy", "compact")),
        new TopicSpec("ü-topic", new Uuid(1, 2), List.of(new TopicSpec.PartitionSpec(0, 7, List.of(0)))),
        new TopicSpec("empty", new Uuid(3, 4), List.of()));
    Map<String, List<MetadataCommand.Offset>> offsets = new LinkedHashMap<>();
    offsets.put("g1", List.of(new MetadataCommand.Offset("orders", 0, 42L, 7, null),
        new MetadataCommand.Offset("orders", 1, Long.MAX_VALUE, -1, ""),
        new MetadataCommand.Offset("ü-topic", 0, 0L, 3, "meta data")));
    offsets.put("empty-group", List.of());
    return new MetadataSnapshot(8, new java.util.TreeMap<>(Map.of(3, 0, 5, 2)), "vFQ2xKj7TUWlrLL0Uz0tCg", topics,
        offsets, List.of(new RegisteredNodes.Node(3, "10.0.0.4", 9095, 9195, new Uuid(7, 8)),
            new RegisteredNodes.Node(0, "host-ü", 9092, 9192, new Uuid(-1, 1))), new java.util.TreeSet<>(List.of(6)));
  }

  @Test
  void theWholeImageRoundTrips() {
    MetadataSnapshot snapshot = sample();
    assertThat(MetadataSnapshot.decode(snapshot.encode())).isEqualTo(snapshot);
  }

  @Test
  void anImageWithoutClusterIdTopicsOrOffsetsRoundTrips() {
    MetadataSnapshot empty = new MetadataSnapshot(1, null, List.of(), Map.of());
    assertThat(MetadataSnapshot.decode(empty.encode())).isEqualTo(empty);
  }

  @Test
  void theEncodingIsDeterministicWhateverTheMapOrder() {
    MetadataSnapshot a = sample();
    Map<String, List<MetadataCommand.Offset>> reversed = new LinkedHashMap<>();
    List<String> groups = new ArrayList<>(a.offsets().keySet());
    java.util.Collections.reverse(groups);
    groups.forEach(g -> reversed.put(g, a.offsets().get(g)));
    List<RegisteredNodes.Node> nodes = new ArrayList<>(a.nodes());
    java.util.Collections.reverse(nodes);
    MetadataSnapshot b = new MetadataSnapshot(a.nextGroupId(), a.retired(), a.clusterId(), a.topics(), reversed,
        nodes, a.left());
    assertThat(b.encode()).isEqualTo(a.encode());
  }

  @Test
  void everyTruncationIsRefusedWithAReason() {
    byte[] bytes = sample().encode();
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> MetadataSnapshot.decode(cut)).as("length=" + length)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=");
    }
  }

  @Test
  void everySingleBitFlipIsRefusedWithAReason() {
    byte[] bytes = sample().encode();
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertRefused(flipped, "bit=" + bit);
    }
  }

  @Test
  void aDamagedBodyIsNamedAsAChecksumMismatch() {
    byte[] bytes = sample().encode();
    bytes[bytes.length - 1] ^= 1;
    assertThatThrownBy(() -> MetadataSnapshot.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reason=metadata-snapshot-checksum-mismatch").hasMessageContaining("bytes=");
  }

  @Test
  void anUnknownVersionIsRefusedNotGuessed() {
    byte[] bytes = sample().encode();
    bytes[4] = 6;
    assertThatThrownBy(() -> MetadataSnapshot.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version=6 reason=unknown-metadata-snapshot-version");
  }

  /** A snapshot written before ids were reused: no retired id, every partition at its id's first incarnation. */
  @Test
  void aVersionOneSnapshotDecodesWithoutRetiredIdsAndIncarnationZero() throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeInt(4); // nextGroupId
      out.writeBoolean(false);
      out.writeUTF("");
      out.writeInt(1); // topics
      out.writeUTF("old");
      out.writeLong(1);
      out.writeLong(2);
      out.writeInt(0); // configs
      out.writeInt(1); // partitions
      out.writeInt(0);
      out.writeInt(3); // group id
      out.writeInt(1);
      out.writeInt(0); // replica
      out.writeInt(0); // consumer groups
    }
    byte[] body = bytes.toByteArray();
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(body);
    byte[] v1 = ByteBuffer.allocate(9 + body.length).putInt(MetadataSnapshot.MAGIC).put(MetadataSnapshot.VERSION_1)
        .putInt((int) crc.getValue()).put(body).array();

    MetadataSnapshot decoded = MetadataSnapshot.decode(v1);

    assertThat(decoded).isEqualTo(new MetadataSnapshot(4, null, List.of(new TopicSpec("old", new Uuid(1, 2),
        List.of(new TopicSpec.PartitionSpec(0, 3, 0, List.of(0))))), Map.of()));
    assertThat(decoded.encode()[4]).as("written again as version 2 (nothing moves)")
        .isEqualTo(MetadataSnapshot.VERSION_2);
  }

  @Test
  void aMovingPartitionsTargetRoundTripsInVersion3AndNothingMovingIsWrittenAsVersion2() {
    TopicSpec moving = new TopicSpec("m", new Uuid(3, 4), List.of(new TopicSpec.PartitionSpec(0, 1, 0, List.of(0, 1, 2)),
        new TopicSpec.PartitionSpec(1, 2, 1, List.of(1, 2, 0), List.of(3, 2, 0))));
    MetadataSnapshot withMove = new MetadataSnapshot(3, null, List.of(moving), Map.of());
    byte[] v3 = withMove.encode();
    assertThat(v3[4]).as("readable by nodes from before registration").isEqualTo(MetadataSnapshot.VERSION_3);
    assertThat(MetadataSnapshot.decode(v3)).isEqualTo(withMove);

    TopicSpec still = new TopicSpec("m", new Uuid(3, 4), List.of(new TopicSpec.PartitionSpec(0, 1, 0, List.of(0, 1))));
    MetadataSnapshot without = new MetadataSnapshot(2, null, List.of(still), Map.of());
    byte[] v2 = without.encode();
    assertThat(v2[4]).as("readable by nodes from before moves").isEqualTo(MetadataSnapshot.VERSION_2);
    assertThat(MetadataSnapshot.decode(v2)).isEqualTo(without);
  }

  @Test
  void nodesThatLeftRoundTripAndAloneStillMakeAVersion4Snapshot() {
    MetadataSnapshot withLeft = new MetadataSnapshot(2, new java.util.TreeMap<>(), null, List.of(), Map.of(), List.of(),
        new java.util.TreeSet<>(List.of(5, 3)));
    byte[] bytes = withLeft.encode();
    assertThat(bytes[4]).isEqualTo(MetadataSnapshot.VERSION);
    assertThat(MetadataSnapshot.decode(bytes)).isEqualTo(withLeft);
    assertThat(MetadataSnapshot.decode(bytes).left()).containsExactly(3, 5);
  }

  @Test
  void registeredNodesRoundTripInVersion4AndAVersion3SnapshotReadsAsNoneRegistered() {
    MetadataSnapshot withNodes = sample();
    byte[] v4 = withNodes.encode();
    assertThat(v4[4]).isEqualTo(MetadataSnapshot.VERSION);
    assertThat(MetadataSnapshot.decode(v4).nodes()).extracting(RegisteredNodes.Node::id).containsExactly(0, 3);

    MetadataSnapshot noNodes = new MetadataSnapshot(withNodes.nextGroupId(), withNodes.retired(),
        withNodes.clusterId(), withNodes.topics(), withNodes.offsets());
    byte[] v3 = noNodes.encode();
    assertThat(v3[4]).isEqualTo(MetadataSnapshot.VERSION_3);
    assertThat(MetadataSnapshot.decode(v3)).isEqualTo(noNodes);
    assertThat(Arrays.copyOfRange(v4, 9, v3.length)).as("version 4 only appends the nodes")
        .isEqualTo(Arrays.copyOfRange(v3, 9, v3.length));
  }

  @Test
  void aRetiredIdNotBelowTheNextIdOrOutOfOrderIsRefused() {
    for (List<Integer> retired : List.of(List.of(8, 0), List.of(0, 0), List.of(2, -1))) {
      MetadataSnapshot snapshot = sample();
      byte[] body = Arrays.copyOfRange(snapshot.encode(), 9, snapshot.encode().length);
      ByteBuffer.wrap(body).putInt(4, 1).putInt(8, retired.get(0)).putInt(12, retired.get(1));
      byte[] edited = new byte[body.length - 8]; // one retired entry instead of two
      System.arraycopy(body, 0, edited, 0, 16);
      System.arraycopy(body, 24, edited, 16, body.length - 24);
      assertThatThrownBy(() -> MetadataSnapshot.decode(withHeader(edited))).as("retired=" + retired)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=bad-retired-group-id");
    }
  }

  @Test
  void trailingBytesUnderAValidChecksumAreRefused() {
    byte[] body = Arrays.copyOfRange(sample().encode(), 9, sample().encode().length);
    byte[] longer = Arrays.copyOf(body, body.length + 3);
    assertThatThrownBy(() -> MetadataSnapshot.decode(withHeader(longer)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing=3 reason=");
  }

  /** Bodies of random bytes under a correct header and checksum: the parser itself must refuse them cleanly. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void seededRandomBodiesAreRefusedWithAReasonOrDecodeToAnImage() {
    SplittableRandom random = new SplittableRandom(20261206L);
    byte[] valid = sample().encode();
    for (int round = 0; round < 10_000; round++) {
      byte[] body;
      if (round % 2 == 0) {
        body = new byte[random.nextInt(0, 200)];
        random.nextBytes(body);
      } else { // a valid body with a few bytes overwritten: gets past the first fields
        body = Arrays.copyOfRange(valid, 9, valid.length);
        for (int k = random.nextInt(1, 4); k > 0; k--) {
          body[random.nextInt(body.length)] = (byte) random.nextInt(256);
        }
      }
      byte[] data = round % 4 == 1 ? Arrays.copyOf(withHeader(body), 9 + body.length) : withHeader(body);
      MetadataSnapshot decoded;
      try {
        decoded = MetadataSnapshot.decode(data);
      } catch (IllegalArgumentException e) {
        assertReason(e, "round=" + round);
        continue;
      }
      if (!MetadataSnapshot.decode(decoded.encode()).equals(decoded)) {
        throw new AssertionError("round=" + round + " reason=decoded-image-does-not-round-trip");
      }
    }
  }

  @Test
  void seededRandomBytesAreRefusedWithAReason() {
    SplittableRandom random = new SplittableRandom(42L);
    for (int round = 0; round < 5_000; round++) {
      byte[] data = new byte[random.nextInt(0, 300)];
      random.nextBytes(data);
      assertRefused(data, "round=" + round);
    }
  }

  /** Plain checks, not AssertJ: the fuzz loops run them tens of thousands of times. */
  private static void assertRefused(byte[] data, String what) {
    try {
      MetadataSnapshot.decode(data);
    } catch (IllegalArgumentException e) {
      assertReason(e, what);
      return;
    }
    throw new AssertionError(what + " reason=damaged-snapshot-decoded");
  }

  private static final java.util.regex.Pattern KEY_VALUE_REASON =
      java.util.regex.Pattern.compile("^\\w+=\\S+ .*reason=[a-z-]+$");

  private static void assertReason(IllegalArgumentException e, String what) {
    if (e.getMessage() == null || !KEY_VALUE_REASON.matcher(e.getMessage()).matches()) {
      throw new AssertionError(what + " message=[" + e.getMessage() + "] reason=not-key-value", e);
    }
  }

  private static byte[] withHeader(byte[] body) {
    return withHeader(body, MetadataSnapshot.VERSION);
  }

  private static byte[] withHeader(byte[] body, byte version) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(body);
    return ByteBuffer.allocate(9 + body.length).putInt(MetadataSnapshot.MAGIC).put(version)
        .putInt((int) crc.getValue()).put(body).array();
  }

  private static MetadataSnapshot withRejoins(MetadataSnapshot s) {
    java.util.TreeMap<Integer, ReplicaRejoins.Pending> pending = new java.util.TreeMap<>();
    pending.put(4, new ReplicaRejoins.Pending("orders", 1, List.of(2, 0, 3)));
    pending.put(2, new ReplicaRejoins.Pending("logs", 0, List.of(3, 1)));
    return new MetadataSnapshot(s.nextGroupId(), s.retired(), s.clusterId(), s.topics(), s.offsets(), s.nodes(),
        s.left(), List.of(new ReplicaRejoins.Rejoin(3, false, true, pending),
            new ReplicaRejoins.Rejoin(0, true, false, new java.util.TreeMap<>())));
  }

  @Test
  void rejoinsRoundTripInVersion5WhichOnlyAppendsThem() {
    MetadataSnapshot v4 = sample();
    MetadataSnapshot v5 = withRejoins(v4);
    byte[] bytes = v5.encode();
    assertThat(bytes[4]).isEqualTo(MetadataSnapshot.VERSION_5);
    assertThat(MetadataSnapshot.decode(bytes)).isEqualTo(v5);
    assertThat(MetadataSnapshot.decode(bytes).rejoins()).extracting(ReplicaRejoins.Rejoin::node).containsExactly(0, 3);
    byte[] four = v4.encode();
    assertThat(Arrays.copyOfRange(bytes, 9, four.length)).as("version 5 only appends the rejoins")
        .isEqualTo(Arrays.copyOfRange(four, 9, four.length));
  }

  /** Version 5 bodies with a few bytes overwritten: refused with a reason, or decoded to one that round-trips. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void seededDamagedVersion5BodiesAreRefusedWithAReasonOrRoundTrip() {
    SplittableRandom random = new SplittableRandom(20261207L);
    byte[] valid = withRejoins(sample()).encode();
    for (int round = 0; round < 5_000; round++) {
      byte[] body = Arrays.copyOfRange(valid, 9, valid.length);
      for (int k = random.nextInt(1, 4); k > 0; k--) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
      }
      MetadataSnapshot decoded;
      try {
        decoded = MetadataSnapshot.decode(withHeader(body, MetadataSnapshot.VERSION_5));
      } catch (IllegalArgumentException e) {
        assertReason(e, "round=" + round);
        continue;
      }
      if (!MetadataSnapshot.decode(decoded.encode()).equals(decoded)) {
        throw new AssertionError("round=" + round + " reason=decoded-image-does-not-round-trip");
      }
    }
  }
}
