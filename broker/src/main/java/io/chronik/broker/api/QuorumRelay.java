package io.chronik.broker.api;

import io.chronik.broker.config.ClusterNodes;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeQuorumResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * Carries a DescribeQuorum that reached a node which does not lead the metadata group to the node that
 * does, over the leader's own Kafka listener, and hands back its answer. Only a Raft leader knows every
 * member's end offset; Kafka answers the same way (KafkaRaftClient answers DescribeQuorum on the leader
 * only, NOT_LEADER_OR_FOLLOWER elsewhere, and a broker forwards the request to the active controller).
 *
 * <p>A forwarded request carries {@link #FORWARDED_CLIENT_ID}: its receiver answers from its own state
 * and never forwards it again, so a request crossing a leadership change makes at most one hop. The
 * call blocks one relay thread (DescribeQuorum is an operator's request, seconds apart), never the
 * broker's state thread: at most one relay thread, created on demand and gone after 30 s idle, and
 * {@link #QUEUED_MAX} requests waiting; beyond that, or when the leader does not answer within
 * {@link #TIMEOUT_MS}, the client gets REQUEST_TIMED_OUT, a retriable error.
 */
final class QuorumRelay {
  /** The client id of a forwarded DescribeQuorum. */
  static final String FORWARDED_CLIENT_ID = "chronik-quorum-forward";
  static final int TIMEOUT_MS = 5_000;
  static final int QUEUED_MAX = 16;

  private final ThreadPoolExecutor relay = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(QUEUED_MAX), r -> {
        Thread t = new Thread(r, "chronik-quorum-relay");
        t.setDaemon(true); // an operator's request in flight must not hold the process up at exit
        return t;
      });

  /**
   * Asks {@code leader} the same request at the client's {@code version}; {@code answer} runs on
   * {@code answerOn} with the leader's response, or with a REQUEST_TIMED_OUT one when it failed.
   */
  void forward(ClusterNodes.Node leader, DescribeQuorumRequestData request, short version, Executor answerOn,
      Consumer<DescribeQuorumResponseData> answer) {
    try {
      relay.execute(() -> {
        DescribeQuorumResponseData response;
        try {
          response = ask(leader, request, version);
        } catch (IOException | RuntimeException e) {
          response = failed("leader=" + leader.id() + " reason=forward-failed cause=" + e);
        }
        DescribeQuorumResponseData r = response;
        answerOn.execute(() -> answer.accept(r));
      });
    } catch (RejectedExecutionException e) {
      answer.accept(failed("leader=" + leader.id() + " reason=relay-queue-full queuedMax=" + QUEUED_MAX));
    }
  }

  private static DescribeQuorumResponseData ask(ClusterNodes.Node leader, DescribeQuorumRequestData request,
      short version) throws IOException {
    RequestHeader header = new RequestHeader(ApiKeys.DESCRIBE_QUORUM, version, FORWARDED_CLIENT_ID, 1);
    ByteBuffer body = RequestUtils.serialize(header.data(), header.headerVersion(), request, version);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(leader.host(), leader.kafkaPort()), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(ByteBuffer.allocate(4).putInt(body.remaining()).array());
      out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int size = in.readInt();
      if (size < 0 || size > 1 << 20) {
        throw new IOException("size=" + size + " reason=response-size-out-of-range");
      }
      byte[] response = new byte[size];
      in.readFully(response);
      return ((DescribeQuorumResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header)).data();
    }
  }

  private static DescribeQuorumResponseData failed(String message) {
    return new DescribeQuorumResponseData().setErrorCode(Errors.REQUEST_TIMED_OUT.code()).setErrorMessage(message);
  }
}
