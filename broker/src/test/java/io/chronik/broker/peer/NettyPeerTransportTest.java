package io.chronik.broker.peer;

import static io.chronik.broker.peer.PeerMessages.assertSameBatch;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.driver.GroupMessage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyPeerTransportTest {
  private static final int FRAME_BYTES_MAX = 1 << 20;
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** One transport plus the queue its inbound sink feeds. */
  private record Node(NettyPeerTransport transport, BlockingQueue<GroupMessage> received) {
  }

  private Node node(int id, Map<Integer, InetSocketAddress> peers, int port, BlockingQueue<GroupMessage> queue,
      int frameBytesMax) throws InterruptedException {
    NettyPeerTransport t = new NettyPeerTransport(id, peers, new InetSocketAddress("127.0.0.1", port),
        queue::offer, frameBytesMax);
    open.add(t);
    return new Node(t, queue);
  }

  private Node node(int id, Map<Integer, InetSocketAddress> peers, int port) throws InterruptedException {
    return node(id, peers, port, new LinkedBlockingQueue<>(), FRAME_BYTES_MAX);
  }

  private static int[] freePorts(int n) throws IOException {
    return io.chronik.broker.LoopbackPorts.take(n);
  }

  private static InetSocketAddress local(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  private static void connect(NettyPeerTransport from, int to) {
    from.connect(to);
    await("connection to " + to, () -> from.isConnected(to));
  }

  private static List<GroupMessage> take(BlockingQueue<GroupMessage> queue, int n) throws InterruptedException {
    List<GroupMessage> out = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (out.size() < n) {
      GroupMessage m = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (m == null) {
        throw new AssertionError("received " + out.size() + " of " + n + " messages");
      }
      out.add(m);
    }
    return out;
  }

  private static void send(NettyPeerTransport from, int to, List<GroupMessage> batch) {
    from.send(to, batch);
    from.flush();
  }

  @Test
  void twoTransportsExchangeBatchesWithEntriesAndSnapshots() throws Exception {
    int[] ports = freePorts(2);
    Node a = node(0, Map.of(1, local(ports[1])), ports[0]);
    Node b = node(1, Map.of(0, local(ports[0])), ports[1]);
    connect(a.transport(), 1);
    connect(b.transport(), 0);
    Random rnd = new Random(11);
    List<GroupMessage> toB1 = PeerMessages.batch(rnd, 25);
    List<GroupMessage> toB2 = PeerMessages.batch(rnd, 3);
    List<GroupMessage> toA = PeerMessages.batch(rnd, 40);

    a.transport().send(1, toB1);
    a.transport().flush();
    a.transport().send(1, toB2);
    a.transport().flush();
    send(b.transport(), 0, toA);

    List<GroupMessage> expectedAtB = new ArrayList<>(toB1);
    expectedAtB.addAll(toB2);
    assertSameBatch(take(b.received(), expectedAtB.size()), expectedAtB);
    assertSameBatch(take(a.received(), toA.size()), toA);
    assertThat(a.transport().framesSent()).isEqualTo(2);
    assertThat(a.transport().messagesSent()).isEqualTo(28);
    assertThat(a.transport().messagesDropped()).isZero();
    assertThat(a.transport().bytesSent()).isPositive();
    await("frames counted at b", () -> b.transport().framesReceived() == 2);
  }

  @Test
  void threeTransportsDeliverEveryPairsBatches() throws Exception {
    int[] ports = freePorts(3);
    List<Node> nodes = new ArrayList<>();
    for (int id = 0; id < 3; id++) {
      Map<Integer, InetSocketAddress> peers = new java.util.HashMap<>();
      for (int p = 0; p < 3; p++) {
        if (p != id) {
          peers.put(p, local(ports[p]));
        }
      }
      nodes.add(node(id, peers, ports[id]));
    }
    Random rnd = new Random(12);
    List<List<GroupMessage>> expected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int from = 0; from < 3; from++) {
      for (int to = 0; to < 3; to++) {
        if (to != from) {
          connect(nodes.get(from).transport(), to);
        }
      }
    }
    // One driver loop per node: a send per peer, then one flush.
    for (int from = 0; from < 3; from++) {
      NettyPeerTransport t = nodes.get(from).transport();
      for (int to = 0; to < 3; to++) {
        if (to != from) {
          List<GroupMessage> batch = PeerMessages.batch(rnd, 10 + rnd.nextInt(10));
          t.send(to, batch);
          expected.get(to).addAll(batch);
        }
      }
      t.flush();
    }
    for (int to = 0; to < 3; to++) {
      List<GroupMessage> got = take(nodes.get(to).received(), expected.get(to).size());
      // Frames from different senders interleave arbitrarily; per sender the order is kept.
      for (int from = 0; from < 3; from++) {
        if (from != to) {
          int sender = from;
          assertSameBatch(got.stream().filter(m -> containsSame(expected.get(sender), m)).toList(),
              expected.get(to).stream().filter(m -> containsSame(expected.get(sender), m)).toList());
        }
      }
      assertThat(nodes.get(to).received()).isEmpty();
    }
  }

  /** Whether {@code list} holds {@code m} by identity of content (group id and context are random longs). */
  private static boolean containsSame(List<GroupMessage> list, GroupMessage m) {
    return list.stream().anyMatch(e -> e.groupId() == m.groupId() && e.message().context() == m.message().context()
        && e.message().term() == m.message().term());
  }

  @Test
  void peerStartingAfterTheSenderIsConnectedLazily() throws Exception {
    int[] ports = freePorts(2);
    Node a = node(0, Map.of(1, local(ports[1])), ports[0]);

    a.transport().send(1, List.of(PeerMessages.numbered(0, 1, 0), PeerMessages.numbered(0, 1, 1)));
    a.transport().flush();
    assertThat(a.transport().messagesDropped()).isEqualTo(2);
    assertThat(a.transport().messagesSent()).isZero();

    Node b = node(1, Map.of(0, local(ports[0])), ports[1]);
    await("lazy connection after the peer started", () -> a.transport().isConnected(1));
    send(a.transport(), 1, List.of(PeerMessages.numbered(0, 1, 2)));

    assertThat(take(b.received(), 1).get(0).message().context()).isEqualTo(2);
    assertThat(a.transport().messagesDropped()).isEqualTo(2);
    assertThat(a.transport().messagesSent()).isEqualTo(1);
  }

  @Test
  void restartedPeerIsReconnectedAndMessagesSentWhileDownAreDropped() throws Exception {
    int[] ports = freePorts(2);
    Node a = node(0, Map.of(1, local(ports[1])), ports[0]);
    Node b = node(1, Map.of(), ports[1]);
    connect(a.transport(), 1);
    send(a.transport(), 1, List.of(PeerMessages.numbered(0, 1, 1)));
    assertThat(take(b.received(), 1).get(0).message().context()).isEqualTo(1);

    b.transport().close();
    await("sender noticing the peer is gone", () -> !a.transport().isConnected(1));
    send(a.transport(), 1, List.of(PeerMessages.numbered(0, 1, 2), PeerMessages.numbered(0, 1, 3)));
    assertThat(a.transport().messagesDropped()).isEqualTo(2);

    Node restarted = node(1, Map.of(), ports[1]);
    await("reconnection", () -> a.transport().isConnected(1));
    send(a.transport(), 1, List.of(PeerMessages.numbered(0, 1, 4)));
    assertThat(take(restarted.received(), 1).get(0).message().context()).isEqualTo(4);
    assertThat(restarted.received()).isEmpty();
    assertThat(a.transport().messagesDropped()).isEqualTo(2);
  }

  @Test
  void fullSinkStallsReadingAndLosesNothingThatWasRead() throws Exception {
    int[] ports = freePorts(2);
    Node a = node(0, Map.of(1, local(ports[1])), ports[0]);
    ArrayBlockingQueue<GroupMessage> small = new ArrayBlockingQueue<>(8);
    Node b = node(1, Map.of(), ports[1], small, FRAME_BYTES_MAX);
    connect(a.transport(), 1);
    int batches = 100;
    int perBatch = 20;
    for (int i = 0; i < batches; i++) {
      List<GroupMessage> batch = new ArrayList<>();
      for (int j = 0; j < perBatch; j++) {
        batch.add(PeerMessages.numbered(0, 1, (long) i * perBatch + j));
      }
      send(a.transport(), 1, batch);
    }
    await("receiver stalling on the full sink", () -> b.transport().inboundStalls() > 0 && small.remainingCapacity() == 0);
    assertThat(a.transport().messagesDropped()).isZero();

    List<GroupMessage> got = take(small, batches * perBatch);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i).message().context()).as("message %d", i).isEqualTo(i);
    }
    // Reading resumed: a later batch still arrives.
    send(a.transport(), 1, List.of(PeerMessages.numbered(0, 1, 5000)));
    assertThat(take(small, 1).get(0).message().context()).isEqualTo(5000);
  }

  @Test
  void oversizedOrMalformedFrameClosesOnlyThatConnection() throws Exception {
    int[] ports = freePorts(2);
    Node a = node(0, Map.of(1, local(ports[1])), ports[0]);
    Node b = node(1, Map.of(), ports[1], new LinkedBlockingQueue<>(), 2048);
    connect(a.transport(), 1);

    assertClosedAfterWriting(ports[1], 1_000_000, new byte[64]);
    byte[] badMagic = new byte[] {0x42, 0, 0, 0, 0};
    assertClosedAfterWriting(ports[1], badMagic.length, badMagic);
    assertClosedAfterWriting(ports[1], -5, new byte[8]);

    assertThat(a.transport().isConnected(1)).isTrue();
    send(a.transport(), 1, List.of(PeerMessages.numbered(0, 1, 7)));
    assertThat(take(b.received(), 1).get(0).message().context()).isEqualTo(7);
    assertThat(b.received()).isEmpty();
  }

  private static void assertClosedAfterWriting(int port, int length, byte[] body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) WAIT.toMillis());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(length);
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      try {
        assertThat(in.read()).as("connection closed by the receiver").isEqualTo(-1);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("receiver kept the connection open length=" + length, e);
      } catch (java.net.SocketException e) {
        // connection reset: also closed
        assertThat(e.getMessage()).containsIgnoringCase("reset");
      }
    }
  }

  @Test
  void batchLargerThanAFrameIsSplitAndAMessageLargerThanAFrameIsDropped() throws Exception {
    int[] ports = freePorts(2);
    int frameMax = 4096;
    NettyPeerTransport sender = new NettyPeerTransport(0, Map.of(1, local(ports[1])), null,
        m -> true, frameMax);
    open.add(sender);
    Node b = node(1, Map.of(), ports[1], new LinkedBlockingQueue<>(), frameMax);
    connect(sender, 1);
    List<GroupMessage> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      batch.add(PeerMessages.numbered(0, 1, i));
    }
    byte[] huge = new byte[frameMax];
    batch.add(100, new GroupMessage(1, io.chronik.raft.message.Message.of(io.chronik.raft.message.MessageType.APPEND, 0, 1, 3)
        .entries(List.of(io.chronik.raft.log.Entry.normal(1, 3, huge))).build()));

    send(sender, 1, batch);

    List<GroupMessage> got = take(b.received(), 200);
    for (int i = 0; i < 200; i++) {
      assertThat(got.get(i).message().context()).isEqualTo(i);
    }
    assertThat(sender.messagesDropped()).isEqualTo(1);
    // A heartbeat encodes to 82 bytes: 49 fit a 4096-byte frame, so each run of 100 needs three frames
    // (the receiver accepting them all shows none exceeded its identical limit).
    assertThat(PeerCodec.messageBytes(batch.get(0))).isEqualTo(82);
    assertThat(sender.framesSent()).isEqualTo(6);
    assertThat(sender.port()).isEqualTo(-1);
  }

  @Test
  void nioTransportCarriesBatchesToo() throws Exception {
    int[] ports = freePorts(2);
    LinkedBlockingQueue<GroupMessage> atB = new LinkedBlockingQueue<>();
    NettyPeerTransport a = new NettyPeerTransport(0, Map.of(1, local(ports[1])), local(ports[0]),
        m -> true, FRAME_BYTES_MAX, "nio", 1);
    open.add(a);
    NettyPeerTransport b = new NettyPeerTransport(1, Map.of(0, local(ports[0])), local(ports[1]),
        atB::offer, FRAME_BYTES_MAX, "nio", 1);
    open.add(b);
    assertThat(a.transport()).isEqualTo("nio");
    connect(a, 1);
    List<GroupMessage> batch = PeerMessages.batch(new Random(13), 30);
    send(a, 1, batch);
    assertSameBatch(take(atB, batch.size()), batch);
  }

  @Test
  void closeReturnsPromptlyWhileReconnectingToAnUnreachablePeer() throws Exception {
    int[] ports = freePorts(1);
    NettyPeerTransport a = new NettyPeerTransport(0, Map.of(1, local(ports[0])), null, m -> true, FRAME_BYTES_MAX);
    a.connect(1);
    a.send(1, List.of(PeerMessages.numbered(0, 1, 1)));
    long start = System.nanoTime();
    a.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    a.send(1, List.of(PeerMessages.numbered(0, 1, 2)));
    a.flush();
    assertThat(a.messagesDropped()).isEqualTo(2);
    assertThat(a.isConnected(1)).isFalse();
  }
}
