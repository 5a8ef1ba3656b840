package io.chronik.broker.api;

import io.chronik.broker.config.ClusterNodes;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.replication.MetadataVoters;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AddRaftVoterRequestData;
import org.apache.kafka.common.message.AddRaftVoterResponseData;
import org.apache.kafka.common.message.RemoveRaftVoterRequestData;
import org.apache.kafka.common.message.RemoveRaftVoterResponseData;
import org.apache.kafka.common.message.UnregisterBrokerRequestData;
import org.apache.kafka.common.message.UnregisterBrokerResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * AddRaftVoter / RemoveRaftVoter (KIP-853, API keys 80/81): changes the metadata group's voters, so
 * {@code Admin.addRaftVoter}/{@code removeRaftVoter} and {@code kafka-metadata-quorum add-controller /
 * remove-controller} work. The metadata leader carries the change out ({@link MetadataVoters}); any other node
 * relays the request to it over its Kafka listener, as a Kafka broker forwards it to the active controller, and
 * hands back the answer. A relayed request carries {@link #FORWARDED_CLIENT_ID} and is never relayed again (a
 * node that is not the leader answers it NOT_LEADER_OR_FOLLOWER). The endpoints in an AddRaftVoter are not
 * used: a node registers its own addresses in the metadata. UnregisterBroker (key 64, {@code Admin.unregisterBroker})
 * takes the same way: a stopped node that is no voter and holds no replica leaves the cluster.
 */
final class RaftVoterApi {
  static final String FORWARDED_CLIENT_ID = "chronik-voter-forward";
  /** An AddRaftVoter's {@code timeoutMs} when the client gives none (≤ 0). */
  static final int TIMEOUT_MS_DEFAULT = 30_000;
  private static final int RELAY_QUEUED_MAX = 8;

  private final BrokerState s;
  private final ThreadPoolExecutor relay = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(RELAY_QUEUED_MAX), r -> {
        Thread t = new Thread(r, "chronik-voter-relay");
        t.setDaemon(true);
        return t;
      });

  RaftVoterApi(BrokerState s) {
    this.s = s;
  }

  private enum Kind { ADD, REMOVE, UNREGISTER }

  void addRaftVoter(RequestContext ctx) {
    AddRaftVoterRequestData req = (AddRaftVoterRequestData) ctx.request().data();
    int timeoutMs = req.timeoutMs() > 0 ? req.timeoutMs() : TIMEOUT_MS_DEFAULT;
    change(ctx, Kind.ADD, req.voterId(), req.voterDirectoryId(), timeoutMs, req);
  }

  void removeRaftVoter(RequestContext ctx) {
    RemoveRaftVoterRequestData req = (RemoveRaftVoterRequestData) ctx.request().data();
    change(ctx, Kind.REMOVE, req.voterId(), req.voterDirectoryId(), TIMEOUT_MS_DEFAULT, req);
  }

  void unregisterBroker(RequestContext ctx) {
    UnregisterBrokerRequestData req = (UnregisterBrokerRequestData) ctx.request().data();
    change(ctx, Kind.UNREGISTER, req.brokerId(), Uuid.ZERO_UUID, TIMEOUT_MS_DEFAULT, req);
  }

  private void change(RequestContext ctx, Kind kind, int id, Uuid directoryId, int timeoutMs, ApiMessage req) {
    boolean asked = s.replication.views().metadataQuorum(q -> s.executor.execute(() -> {
      boolean forwarded = FORWARDED_CLIENT_ID.equals(ctx.header().clientId());
      if (q.leaderId() == s.nodeId || forwarded) {
        java.util.function.Consumer<io.chronik.broker.replication.MetadataVoters.Outcome> answer =
            o -> s.executor.execute(() -> ctx.respond(response(kind, o.error(), o.message())));
        if (kind == Kind.UNREGISTER) {
          s.replication.metadataVoters().unregister(id, timeoutMs, answer);
        } else {
          s.replication.metadataVoters().request(kind == Kind.ADD, id, directoryId, timeoutMs, answer);
        }
        return;
      }
      InetSocketAddress leader = kafkaAddress(q.leaderId());
      if (leader == null) {
        ctx.respond(response(kind, Errors.NOT_LEADER_OR_FOLLOWER, "leader=" + q.leaderId()
            + " reason=no-known-metadata-leader"));
        return;
      }
      forward(ctx, kind, leader, req, timeoutMs);
    }));
    if (!asked) {
      ctx.respond(response(kind, Errors.REQUEST_TIMED_OUT, "reason=driver-queue-full"));
    }
  }

  /** The Kafka listener of {@code id}: from {@code cluster.nodes}, else its registration; null if unknown. */
  private InetSocketAddress kafkaAddress(int id) {
    ClusterNodes.Node n = id < 0 ? null : s.knownNode(id);
    return n == null ? null : new InetSocketAddress(n.host(), n.kafkaPort());
  }

  private void forward(RequestContext ctx, Kind kind, InetSocketAddress leader, ApiMessage req, int timeoutMs) {
    ApiKeys key = switch (kind) {
      case ADD -> ApiKeys.ADD_RAFT_VOTER;
      case REMOVE -> ApiKeys.REMOVE_RAFT_VOTER;
      case UNREGISTER -> ApiKeys.UNREGISTER_BROKER;
    };
    try {
      relay.execute(() -> {
        ApiMessage answer;
        try {
          answer = ask(leader, key, req, ctx.version(), timeoutMs + 5_000);
        } catch (IOException | RuntimeException e) {
          answer = response(kind, Errors.REQUEST_TIMED_OUT, "leader=" + leader + " reason=forward-failed cause=" + e);
        }
        ApiMessage a = answer;
        s.executor.execute(() -> ctx.respond(a));
      });
    } catch (RejectedExecutionException e) {
      ctx.respond(response(kind, Errors.REQUEST_TIMED_OUT, "reason=relay-queue-full queuedMax=" + RELAY_QUEUED_MAX));
    }
  }

  private static ApiMessage ask(InetSocketAddress leader, ApiKeys key, ApiMessage request, short version,
      int timeoutMs) throws IOException {
    RequestHeader header = new RequestHeader(key, version, FORWARDED_CLIENT_ID, 1);
    ByteBuffer body = RequestUtils.serialize(header.data(), header.headerVersion(), request, version);
    try (Socket socket = new Socket()) {
      socket.connect(leader, 5_000);
      socket.setSoTimeout(timeoutMs);
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
      return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header).data();
    }
  }

  private static ApiMessage response(Kind kind, Errors error, String message) {
    String text = error == Errors.NONE ? null : message;
    return switch (kind) {
      case ADD -> new AddRaftVoterResponseData().setErrorCode(error.code()).setErrorMessage(text);
      case REMOVE -> new RemoveRaftVoterResponseData().setErrorCode(error.code()).setErrorMessage(text);
      case UNREGISTER -> new UnregisterBrokerResponseData().setErrorCode(error.code()).setErrorMessage(text);
    };
  }
}
