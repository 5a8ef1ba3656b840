package io.chronik.broker.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;

/** Test fixtures: seeded random messages covering every field, and field-by-field comparison. */
final class PeerMessages {
  private PeerMessages() {
  }

  static GroupMessage random(Random rnd, int groupId) {
    MessageType type = MessageType.values()[rnd.nextInt(MessageType.values().length)];
    List<Entry> entries = new ArrayList<>();
    int entryCount = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(5);
    long index = 1 + rnd.nextInt(1000);
    for (int i = 0; i < entryCount; i++) {
      EntryType et = rnd.nextInt(4) == 0 ? EntryType.CONFIG : EntryType.NORMAL;
      byte[] payload = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(200)];
      rnd.nextBytes(payload);
      entries.add(new Entry(index + i, rnd.nextInt(50), et, payload));
    }
    SnapshotMeta snapshot = null;
    if (rnd.nextBoolean()) {
      snapshot = new SnapshotMeta(rnd.nextInt(10_000), rnd.nextInt(100),
          new Configuration(ids(rnd), ids(rnd), ids(rnd)));
    }
    byte[] chunk = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(300)];
    rnd.nextBytes(chunk);
    Message m = new Message(type, rnd.nextInt(64), rnd.nextInt(64), rnd.nextLong(), rnd.nextLong(),
        rnd.nextLong(), entries, rnd.nextLong(), rnd.nextBoolean(), rnd.nextLong(), rnd.nextLong(),
        rnd.nextBoolean(), snapshot, rnd.nextLong(), chunk, rnd.nextBoolean());
    return new GroupMessage(groupId, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(Integer.MAX_VALUE), m);
  }

  private static TreeSet<Integer> ids(Random rnd) {
    TreeSet<Integer> ids = new TreeSet<>();
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      ids.add(rnd.nextInt(64));
    }
    return ids;
  }

  static List<GroupMessage> batch(Random rnd, int size) {
    List<GroupMessage> batch = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      batch.add(random(rnd, rnd.nextInt(10_000)));
    }
    return batch;
  }

  /** A small heartbeat whose context numbers it, for ordering and loss checks. */
  static GroupMessage numbered(int from, int to, long seq) {
    return new GroupMessage((int) (seq % 7), Message.of(MessageType.HEARTBEAT, from, to, 3).context(seq).build());
  }

  /** Every record component of every message equal (byte arrays by content). */
  static void assertSameBatch(List<GroupMessage> actual, List<GroupMessage> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      GroupMessage a = actual.get(i);
      GroupMessage e = expected.get(i);
      assertThat(a.groupId()).as("message %d group", i).isEqualTo(e.groupId());
      assertThat(a.incarnation()).as("message %d incarnation", i).isEqualTo(e.incarnation());
      for (RecordComponent c : Message.class.getRecordComponents()) {
        Object av = get(c, a.message());
        Object ev = get(c, e.message());
        assertThat(Objects.deepEquals(av, ev)).as("message %d field %s: %s vs %s", i, c.getName(), av, ev).isTrue();
      }
    }
  }

  private static Object get(RecordComponent c, Message m) {
    try {
      return c.getAccessor().invoke(m);
    } catch (ReflectiveOperationException ex) {
      throw new AssertionError(ex);
    }
  }
}
