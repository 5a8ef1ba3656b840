package io.chronik.broker.peer;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Wire format of peer frames. One frame carries one batch: every message of one driver loop for one
 * peer node, all Raft groups mixed.
 *
 * <pre>
 * frame   = length:i32 (bytes after this field) magic:u8 count:i32 message*count
 * message = group:i32 incarnation:i32 (version 2 only) type:u8 from:i32 to:i32 term:i64 logTerm:i64 index:i64 commit:i64 flags:u8
 *           rejectHint:i64 context:i64 entryCount:i32 entry*entryCount
 *           [snapshot if flags&amp;SNAPSHOT] chunkOffset:i64 chunkLength:i32 chunk:bytes
 * entry   = index:i64 term:i64 type:u8 payloadLength:i32 payload:bytes
 * snapshot= index:i64 term:i64 voters:set outgoing:set learners:set
 * set     = size:i32 id:i32*size (strictly ascending)
 * flags   = 1 reject | 2 transfer | 4 lastChunk | 8 snapshot present
 * </pre>
 *
 * Version 2 (magic 0xC2) added the group's incarnation (a group id is reused once its group was
 * deleted; the receiving group drops a message of another incarnation). A frame whose messages are all of
 * incarnation 0 (no id reused: every cluster until its first deleted topic's ids are handed out again) goes
 * out as version 1 (0xC1, no incarnation field), and both versions are read (a version 1 message is of
 * incarnation 0): so a rolling upgrade from the version before works until an id is reused.
 *
 * <p>Enum values travel as ordinals: reordering {@link MessageType} or {@link EntryType} needs a new
 * magic. The decoder trusts nothing: every count and length is bounded by the bytes that remain
 * (so a hostile length cannot make it allocate), unknown flags/types and unsorted sets are rejected
 * (so a frame has exactly one decoding), and trailing bytes are an error.
 */
public final class PeerCodec {
  /** Format version 2 (messages carry their group's incarnation). */
  public static final byte MAGIC_V2 = (byte) 0xC2;
  /** Format version 1 (no incarnation: every message of incarnation 0). Any other first body byte is rejected. */
  public static final byte MAGIC_V1 = (byte) 0xC1;
  private static final int INCARNATION_BYTES = 4;
  public static final int LENGTH_FIELD_BYTES = 4;
  /** Length field, magic and count: the cost of an empty frame. */
  public static final int FRAME_HEADER_BYTES = LENGTH_FIELD_BYTES + 1 + 4;

  private static final int MESSAGE_MIN_BYTES = 4 + 4 + 1 + 4 + 4 + 8 * 4 + 1 + 8 + 8 + 4 + 8 + 4;
  private static final int ENTRY_MIN_BYTES = 8 + 8 + 1 + 4;
  private static final int FLAG_REJECT = 1;
  private static final int FLAG_TRANSFER = 2;
  private static final int FLAG_LAST_CHUNK = 4;
  private static final int FLAG_SNAPSHOT = 8;
  private static final int FLAGS_KNOWN = FLAG_REJECT | FLAG_TRANSFER | FLAG_LAST_CHUNK | FLAG_SNAPSHOT;
  private static final MessageType[] MESSAGE_TYPES = MessageType.values();
  private static final EntryType[] ENTRY_TYPES = EntryType.values();

  private PeerCodec() {
  }

  /** Encoded size of one message (excluding the frame header), in version 2: an upper bound in version 1. */
  public static long messageBytes(GroupMessage gm) {
    Message m = gm.message();
    long size = MESSAGE_MIN_BYTES + (long) m.chunk().length;
    for (Entry e : m.entries()) {
      size += ENTRY_MIN_BYTES + (long) e.payload().length;
    }
    SnapshotMeta s = m.snapshot();
    if (s != null) {
      Configuration c = s.config();
      size += 8 + 8 + 12 + 4L * (c.voters().size() + c.outgoing().size() + c.learners().size());
    }
    return size;
  }

  /** The whole batch as one frame, length prefix included. */
  public static ByteBuf encode(ByteBufAllocator alloc, List<GroupMessage> batch) {
    return encode(alloc, batch, 0, batch.size());
  }

  /** Messages {@code [from, to)} of {@code batch} as one frame, length prefix included. */
  public static ByteBuf encode(ByteBufAllocator alloc, List<GroupMessage> batch, int from, int to) {
    long size = FRAME_HEADER_BYTES;
    for (int i = from; i < to; i++) {
      size += messageBytes(batch.get(i));
    }
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("frameBytes=" + size + " reason=frame-too-large");
    }
    boolean v1 = true;
    for (int i = from; i < to && v1; i++) {
      v1 = batch.get(i).incarnation() == 0;
    }
    if (v1) {
      size -= (long) INCARNATION_BYTES * (to - from);
    }
    ByteBuf out = alloc.buffer((int) size);
    out.writeInt((int) size - LENGTH_FIELD_BYTES);
    out.writeByte(v1 ? MAGIC_V1 : MAGIC_V2);
    out.writeInt(to - from);
    for (int i = from; i < to; i++) {
      writeMessage(out, batch.get(i), v1);
    }
    return out;
  }

  private static void writeMessage(ByteBuf out, GroupMessage gm, boolean v1) {
    Message m = gm.message();
    out.writeInt(gm.groupId());
    if (!v1) {
      out.writeInt(gm.incarnation());
    }
    out.writeByte(m.type().ordinal());
    out.writeInt(m.from());
    out.writeInt(m.to());
    out.writeLong(m.term());
    out.writeLong(m.logTerm());
    out.writeLong(m.index());
    out.writeLong(m.commit());
    int flags = (m.reject() ? FLAG_REJECT : 0) | (m.transfer() ? FLAG_TRANSFER : 0)
        | (m.lastChunk() ? FLAG_LAST_CHUNK : 0) | (m.snapshot() != null ? FLAG_SNAPSHOT : 0);
    out.writeByte(flags);
    out.writeLong(m.rejectHint());
    out.writeLong(m.context());
    out.writeInt(m.entries().size());
    for (Entry e : m.entries()) {
      out.writeLong(e.index());
      out.writeLong(e.term());
      out.writeByte(e.type().ordinal());
      out.writeInt(e.payload().length);
      out.writeBytes(e.payload());
    }
    if (m.snapshot() != null) {
      SnapshotMeta s = m.snapshot();
      out.writeLong(s.index());
      out.writeLong(s.term());
      writeSet(out, s.config().voters());
      writeSet(out, s.config().outgoing());
      writeSet(out, s.config().learners());
    }
    out.writeLong(m.chunkOffset());
    out.writeInt(m.chunk().length);
    out.writeBytes(m.chunk());
  }

  private static void writeSet(ByteBuf out, SortedSet<Integer> ids) {
    out.writeInt(ids.size());
    for (int id : ids) {
      out.writeInt(id);
    }
  }

  /** Decodes a whole frame, length prefix included; the prefix must match the readable bytes. */
  public static List<GroupMessage> decodeFrame(ByteBuf frame) {
    Reader r = new Reader(frame);
    int length = r.i32("length");
    if (length != frame.readableBytes()) {
      throw r.fail("length-mismatch", r.offset() - LENGTH_FIELD_BYTES,
          "length=" + length + " readable=" + frame.readableBytes());
    }
    return decodeBody(r);
  }

  /** Decodes a frame whose length prefix was already stripped (by the frame decoder). */
  public static List<GroupMessage> decodeBody(ByteBuf body) {
    return decodeBody(new Reader(body));
  }

  private static List<GroupMessage> decodeBody(Reader r) {
    int magicOffset = r.offset();
    byte magic = r.u8("magic");
    if (magic != MAGIC_V2 && magic != MAGIC_V1) {
      throw r.fail("bad-magic", magicOffset, "magic=" + (magic & 0xff));
    }
    boolean v1 = magic == MAGIC_V1;
    int count = r.count("count", MESSAGE_MIN_BYTES - (v1 ? INCARNATION_BYTES : 0));
    List<GroupMessage> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batch.add(readMessage(r, v1));
    }
    if (r.remaining() != 0) {
      throw r.fail("trailing-bytes", r.offset(), "bytes=" + r.remaining());
    }
    return batch;
  }

  private static GroupMessage readMessage(Reader r, boolean v1) {
    int group = r.i32("group");
    int incarnationOffset = r.offset();
    int incarnation = v1 ? 0 : r.i32("incarnation");
    if (incarnation < 0) {
      throw r.fail("bad-incarnation", incarnationOffset, "incarnation=" + incarnation);
    }
    int typeOffset = r.offset();
    int type = r.u8("type") & 0xff;
    if (type >= MESSAGE_TYPES.length) {
      throw r.fail("unknown-message-type", typeOffset, "type=" + type);
    }
    int from = r.i32("from");
    int to = r.i32("to");
    long term = r.i64("term");
    long logTerm = r.i64("logTerm");
    long index = r.i64("index");
    long commit = r.i64("commit");
    int flagsOffset = r.offset();
    int flags = r.u8("flags") & 0xff;
    if ((flags & ~FLAGS_KNOWN) != 0) {
      throw r.fail("unknown-flags", flagsOffset, "flags=" + flags);
    }
    long rejectHint = r.i64("rejectHint");
    long context = r.i64("context");
    int entryCount = r.count("entryCount", ENTRY_MIN_BYTES);
    List<Entry> entries = new ArrayList<>(entryCount);
    for (int i = 0; i < entryCount; i++) {
      entries.add(readEntry(r));
    }
    SnapshotMeta snapshot = (flags & FLAG_SNAPSHOT) != 0 ? readSnapshot(r) : null;
    long chunkOffset = r.i64("chunkOffset");
    byte[] chunk = r.bytes("chunk");
    Message m = new Message(MESSAGE_TYPES[type], from, to, term, logTerm, index, List.copyOf(entries), commit,
        (flags & FLAG_REJECT) != 0, rejectHint, context, (flags & FLAG_TRANSFER) != 0, snapshot, chunkOffset,
        chunk, (flags & FLAG_LAST_CHUNK) != 0);
    return new GroupMessage(group, incarnation, m);
  }

  private static Entry readEntry(Reader r) {
    int start = r.offset();
    long index = r.i64("entry.index");
    long term = r.i64("entry.term");
    int typeOffset = r.offset();
    int type = r.u8("entry.type") & 0xff;
    if (type >= ENTRY_TYPES.length) {
      throw r.fail("unknown-entry-type", typeOffset, "type=" + type);
    }
    if (index < 1 || term < 0) {
      throw r.fail("invalid-entry", start, "index=" + index + " term=" + term);
    }
    return new Entry(index, term, ENTRY_TYPES[type], r.bytes("entry.payload"));
  }

  private static SnapshotMeta readSnapshot(Reader r) {
    int start = r.offset();
    long index = r.i64("snapshot.index");
    long term = r.i64("snapshot.term");
    if (index < 0 || term < 0) {
      throw r.fail("invalid-snapshot", start, "index=" + index + " term=" + term);
    }
    SortedSet<Integer> voters = readSet(r, "voters");
    SortedSet<Integer> outgoing = readSet(r, "outgoing");
    SortedSet<Integer> learners = readSet(r, "learners");
    return new SnapshotMeta(index, term, new Configuration(voters, outgoing, learners));
  }

  private static SortedSet<Integer> readSet(Reader r, String field) {
    int size = r.count(field, 4);
    TreeSet<Integer> ids = new TreeSet<>();
    for (int i = 0; i < size; i++) {
      int offset = r.offset();
      int id = r.i32(field);
      if (!ids.isEmpty() && id <= ids.last()) {
        throw r.fail("unsorted-set", offset, "field=" + field + " id=" + id);
      }
      ids.add(id);
    }
    return ids;
  }

  /** Bounds-checked reads; every failure names the field and its offset from the buffer start. */
  private static final class Reader {
    private final ByteBuf buf;
    private final int base;

    Reader(ByteBuf buf) {
      this.buf = buf;
      this.base = buf.readerIndex();
    }

    int offset() {
      return buf.readerIndex() - base;
    }

    int remaining() {
      return buf.readableBytes();
    }

    private void need(int bytes, String field) {
      if (buf.readableBytes() < bytes) {
        throw fail("truncated", offset(), "field=" + field + " need=" + bytes + " remaining=" + buf.readableBytes());
      }
    }

    byte u8(String field) {
      need(1, field);
      return buf.readByte();
    }

    int i32(String field) {
      need(4, field);
      return buf.readInt();
    }

    long i64(String field) {
      need(8, field);
      return buf.readLong();
    }

    /** A count of elements each at least {@code elementMinBytes} long: bounded by what remains. */
    int count(String field, int elementMinBytes) {
      int offset = offset();
      int n = i32(field);
      if (n < 0 || n > buf.readableBytes() / elementMinBytes) {
        throw fail("bad-count", offset, "field=" + field + " count=" + n + " remaining=" + buf.readableBytes());
      }
      return n;
    }

    byte[] bytes(String field) {
      int offset = offset();
      int n = i32(field + ".length");
      if (n < 0 || n > buf.readableBytes()) {
        throw fail("bad-length", offset, "field=" + field + " length=" + n + " remaining=" + buf.readableBytes());
      }
      byte[] out = new byte[n];
      buf.readBytes(out);
      return out;
    }

    PeerCodecException fail(String reason, int offset, String detail) {
      return new PeerCodecException(reason, offset, detail);
    }
  }
}
