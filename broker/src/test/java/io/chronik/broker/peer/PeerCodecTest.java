package io.chronik.broker.peer;

import static io.chronik.broker.peer.PeerMessages.assertSameBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PeerCodecTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static List<GroupMessage> roundTrip(List<GroupMessage> batch) {
    ByteBuf frame = PeerCodec.encode(ALLOC, batch);
    try {
      return PeerCodec.decodeFrame(frame);
    } finally {
      frame.release();
    }
  }

  @Test
  void randomBatchesRoundTripEveryField() {
    Random rnd = new Random(42);
    for (int i = 0; i < 200; i++) {
      List<GroupMessage> batch = PeerMessages.batch(rnd, rnd.nextInt(20));
      assertSameBatch(roundTrip(batch), batch);
    }
  }

  @Test
  void snapshotPresenceEntryTypesAndEmptyPayloadsSurvive() {
    Configuration joint = new Configuration(new TreeSet<>(Set.of(1, 2, 3)), new TreeSet<>(Set.of(0, 1)),
        new TreeSet<>(Set.of(7)));
    Message snap = Message.of(MessageType.SNAPSHOT, 1, 2, 5)
        .snapshot(new SnapshotMeta(100, 4, joint), 4096, new byte[] {1, 2, 3}, true).build();
    Message emptySnap = Message.of(MessageType.SNAPSHOT, 1, 2, 5).snapshot(SnapshotMeta.EMPTY, 0, new byte[0], false).build();
    Message append = Message.of(MessageType.APPEND, 1, 2, 5).log(9, 4).commit(8)
        .entries(List.of(Entry.normal(10, 5, new byte[0]), new Entry(11, 5, EntryType.CONFIG, new byte[] {9}),
            Entry.normal(12, 5, null)))
        .build();
    Message reject = Message.of(MessageType.APPEND_RESPONSE, 2, 1, 5).reject(3, 2).log(7, 2).build();
    List<GroupMessage> batch = List.of(new GroupMessage(0, snap), new GroupMessage(1, emptySnap),
        new GroupMessage(-1, append), new GroupMessage(Integer.MAX_VALUE, reject));

    List<GroupMessage> decoded = roundTrip(batch);

    assertSameBatch(decoded, batch);
    assertThat(decoded.get(0).message().snapshot().config().joint()).isTrue();
    assertThat(decoded.get(1).message().snapshot()).isEqualTo(SnapshotMeta.EMPTY);
    assertThat(decoded.get(2).message().snapshot()).isNull();
    assertThat(decoded.get(2).message().entries()).extracting(Entry::type)
        .containsExactly(EntryType.NORMAL, EntryType.CONFIG, EntryType.NORMAL);
  }

  @Test
  void emptyBatchIsAHeaderOnlyFrame() {
    ByteBuf frame = PeerCodec.encode(ALLOC, List.of());
    try {
      assertThat(frame.readableBytes()).isEqualTo(PeerCodec.FRAME_HEADER_BYTES);
      assertThat(PeerCodec.decodeFrame(frame)).isEmpty();
    } finally {
      frame.release();
    }
  }

  @Test
  void encodedSizeMatchesMessageBytes() {
    Random rnd = new Random(7);
    List<GroupMessage> batch = PeerMessages.batch(rnd, 30);
    assertThat(batch).as("version 2: some message of a reused id").anyMatch(m -> m.incarnation() != 0);
    long expected = PeerCodec.FRAME_HEADER_BYTES + batch.stream().mapToLong(PeerCodec::messageBytes).sum();
    ByteBuf frame = PeerCodec.encode(ALLOC, batch);
    try {
      assertThat(frame.readableBytes()).isEqualTo((int) expected);
      assertThat(frame.getInt(0)).isEqualTo((int) expected - PeerCodec.LENGTH_FIELD_BYTES);
    } finally {
      frame.release();
    }
  }

  @Test
  void hugeCountIsRejectedBeforeAllocating() {
    ByteBuf body = Unpooled.buffer().writeByte(PeerCodec.MAGIC_V2).writeInt(Integer.MAX_VALUE).writeZero(100);
    assertThatThrownBy(() -> PeerCodec.decodeBody(body)).isInstanceOf(PeerCodecException.class)
        .hasMessageStartingWith("reason=bad-count offset=1");
  }

  @Test
  void badMagicNamesItsOffset() {
    ByteBuf body = Unpooled.buffer().writeByte(0x42).writeInt(0);
    assertThatThrownBy(() -> PeerCodec.decodeBody(body)).isInstanceOf(PeerCodecException.class)
        .hasMessageStartingWith("reason=bad-magic offset=0");
  }

  @Test
  void truncatedTrailingAndLengthMismatchAreRejected() {
    List<GroupMessage> batch = PeerMessages.batch(new Random(3), 3);
    ByteBuf frame = PeerCodec.encode(ALLOC, batch);
    try {
      int length = frame.readableBytes();
      ByteBuf body = frame.slice(4, length - 4);
      assertThatThrownBy(() -> PeerCodec.decodeBody(body.slice(0, body.readableBytes() - 1)))
          .isInstanceOf(PeerCodecException.class).hasMessageContaining("remaining=");
      assertThatThrownBy(() -> PeerCodec.decodeBody(body.slice(0, 3)))
          .isInstanceOf(PeerCodecException.class).hasMessageStartingWith("reason=truncated offset=1 field=count");
      ByteBuf longer = Unpooled.buffer().writeBytes(body.duplicate()).writeByte(0);
      assertThatThrownBy(() -> PeerCodec.decodeBody(longer))
          .isInstanceOf(PeerCodecException.class).hasMessageStartingWith("reason=trailing-bytes offset=" + (length - 4));
      assertThatThrownBy(() -> PeerCodec.decodeFrame(frame.slice(0, length - 1)))
          .isInstanceOf(PeerCodecException.class).hasMessageStartingWith("reason=length-mismatch offset=0");
    } finally {
      frame.release();
    }
  }

  @Test
  void unknownTypeFlagsAndUnsortedSetsAreRejected() {
    GroupMessage snap = new GroupMessage(1, 1, Message.of(MessageType.SNAPSHOT, 1, 2, 5)
        .snapshot(new SnapshotMeta(1, 1, Configuration.of(List.of(1, 2))), 0, new byte[0], true).build());
    ByteBuf frame = PeerCodec.encode(ALLOC, List.of(snap));
    try {
      int msg = PeerCodec.FRAME_HEADER_BYTES; // message starts right after the header (version 2: incarnation 1)
      int typeAt = msg + 4 + 4;
      int flagsAt = msg + 4 + 4 + 1 + 4 + 4 + 32;
      int votersAt = flagsAt + 1 + 8 + 8 + 4 + 16;
      assertThat(rejection(frame, typeAt, (byte) 99)).startsWith("reason=unknown-message-type offset=" + typeAt);
      assertThat(rejection(frame, flagsAt, (byte) 0x30)).startsWith("reason=unknown-flags offset=" + flagsAt);
      // voters {1, 2} -> {2, 2}: first id of the set becomes 2
      assertThat(rejection(frame, votersAt + 4 + 3, (byte) 2)).startsWith("reason=unsorted-set offset=" + (votersAt + 8));
    } finally {
      frame.release();
    }
  }

  @Test
  void incarnationTravelsWithEveryMessageAndANegativeOneIsRejected() {
    Message heartbeat = Message.of(MessageType.HEARTBEAT, 1, 2, 5).build();
    List<GroupMessage> batch = List.of(new GroupMessage(7, 0, heartbeat), new GroupMessage(7, 3, heartbeat));

    List<GroupMessage> decoded = roundTrip(batch);

    assertThat(decoded).extracting(GroupMessage::incarnation).containsExactly(0, 3);
    ByteBuf frame = PeerCodec.encode(ALLOC, batch.subList(1, 2));
    try {
      int incarnationAt = PeerCodec.FRAME_HEADER_BYTES + 4;
      assertThat(frame.getInt(incarnationAt)).isEqualTo(3);
      assertThat(rejection(frame, incarnationAt, (byte) 0x80))
          .startsWith("reason=bad-incarnation offset=" + incarnationAt);
    } finally {
      frame.release();
    }
  }

  @Test
  void framesOfIncarnationZeroGoOutInVersionOneSoTheVersionBeforeReadsThem() {
    Message heartbeat = Message.of(MessageType.HEARTBEAT, 1, 2, 5).build();
    List<GroupMessage> fresh = List.of(new GroupMessage(7, 0, heartbeat), new GroupMessage(8, 0, heartbeat));
    ByteBuf frame = PeerCodec.encode(ALLOC, fresh);
    try {
      assertThat(frame.getByte(PeerCodec.LENGTH_FIELD_BYTES)).isEqualTo(PeerCodec.MAGIC_V1);
      assertThat(frame.readableBytes()).as("no incarnation field")
          .isEqualTo(PeerCodec.FRAME_HEADER_BYTES + 2 * (PeerCodec.messageBytes(fresh.get(0)) - 4));
      assertThat(frame.getByte(PeerCodec.FRAME_HEADER_BYTES + 4)).as("the type follows the group id")
          .isEqualTo((byte) MessageType.HEARTBEAT.ordinal());
    } finally {
      frame.release();
    }
    assertThat(roundTrip(fresh)).extracting(GroupMessage::incarnation).containsExactly(0, 0);
    List<GroupMessage> mixed = List.of(new GroupMessage(7, 0, heartbeat), new GroupMessage(8, 1, heartbeat));
    ByteBuf v2 = PeerCodec.encode(ALLOC, mixed);
    try {
      assertThat(v2.getByte(PeerCodec.LENGTH_FIELD_BYTES)).as("one reused id: version 2").isEqualTo(PeerCodec.MAGIC_V2);
    } finally {
      v2.release();
    }
  }

  private static String rejection(ByteBuf frame, int at, byte value) {
    ByteBuf copy = frame.copy();
    copy.setByte(at, value);
    try {
      PeerCodec.decodeFrame(copy);
      throw new AssertionError("decoded a corrupted frame at=" + at);
    } catch (PeerCodecException e) {
      return e.getMessage();
    } finally {
      copy.release();
    }
  }
}
