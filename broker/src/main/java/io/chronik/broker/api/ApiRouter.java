package io.chronik.broker.api;

import io.chronik.broker.protocol.RequestContext;
import org.apache.kafka.common.errors.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request to its handler on the broker's state thread. A handler failure answers the
 * request with its type's error response (UNKNOWN_SERVER_ERROR for non-API failures), never
 * leaves the client waiting.
 */
public final class ApiRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

  private static final java.util.Set<org.apache.kafka.common.protocol.ApiKeys> COORDINATED = java.util.EnumSet.of(
      org.apache.kafka.common.protocol.ApiKeys.JOIN_GROUP, org.apache.kafka.common.protocol.ApiKeys.SYNC_GROUP,
      org.apache.kafka.common.protocol.ApiKeys.HEARTBEAT, org.apache.kafka.common.protocol.ApiKeys.LEAVE_GROUP,
      org.apache.kafka.common.protocol.ApiKeys.OFFSET_COMMIT, org.apache.kafka.common.protocol.ApiKeys.OFFSET_FETCH);

  private final BrokerState state;
  private final MetadataApi metadata;
  private final TopicAdminApi admin;
  private final TopicConfigApi configs;
  private final ProduceApi produce;
  private final FetchApi fetch;
  private final OffsetsApi offsets;
  private final GroupApi groups;
  private final DeleteRecordsApi deleteRecords;
  private final QuorumApi quorum;
  private final RaftVoterApi voters;
  private final ElectLeadersApi electLeaders;
  private final PartitionMoveApi moves;
  private final LogDirsApi logDirs;

  public ApiRouter(BrokerState state) {
    this.state = state;
    this.metadata = new MetadataApi(state);
    this.admin = new TopicAdminApi(state);
    this.configs = new TopicConfigApi(state);
    this.produce = new ProduceApi(state);
    this.fetch = new FetchApi(state);
    this.offsets = new OffsetsApi(state);
    this.groups = new GroupApi(state);
    this.deleteRecords = new DeleteRecordsApi(state);
    this.quorum = new QuorumApi(state);
    this.voters = new RaftVoterApi(state);
    this.electLeaders = new ElectLeadersApi(state);
    this.moves = new PartitionMoveApi(state);
    this.logDirs = new LogDirsApi(state);
  }

  /** Called from any thread: queues the request onto the state thread. */
  public void submit(RequestContext ctx) {
    state.executor.execute(() -> handle(ctx));
  }

  void handle(RequestContext ctx) {
    try {
      route(ctx);
    } catch (Exception e) {
      if (e instanceof ApiException) {
        LOG.warn("api={} version={} correlationId={} reason=request-failed error={}", ctx.apiKey().name,
            ctx.version(), ctx.header().correlationId(), e.toString());
      } else {
        LOG.error("api={} version={} correlationId={} reason=handler-failed", ctx.apiKey().name,
            ctx.version(), ctx.header().correlationId(), e);
      }
      if (!ctx.answered()) {
        ctx.respondError(e);
      }
    }
  }

  private void route(RequestContext ctx) throws Exception {
    if (COORDINATED.contains(ctx.apiKey()) && !state.replication.metadataLeading()) {
      // group coordination runs on the metadata leader only; clients rediscover it
      throw new org.apache.kafka.common.errors.NotCoordinatorException(
          "coordinator=" + state.replication.metadataLeader());
    }
    switch (ctx.apiKey()) {
      case API_VERSIONS -> metadata.apiVersions(ctx);
      case METADATA -> metadata.metadata(ctx);
      case DESCRIBE_CLUSTER -> metadata.describeCluster(ctx);
      case PRODUCE -> produce.produce(ctx);
      case INIT_PRODUCER_ID -> produce.initProducerId(ctx);
      case FETCH -> fetch.fetch(ctx);
      case LIST_OFFSETS -> offsets.listOffsets(ctx);
      case OFFSET_FOR_LEADER_EPOCH -> offsets.offsetForLeaderEpoch(ctx);
      case CREATE_TOPICS -> admin.createTopics(ctx);
      case DELETE_TOPICS -> admin.deleteTopics(ctx);
      case CREATE_PARTITIONS -> admin.createPartitions(ctx);
      case DESCRIBE_CONFIGS -> configs.describeConfigs(ctx);
      case ALTER_CONFIGS -> configs.alterConfigs(ctx);
      case INCREMENTAL_ALTER_CONFIGS -> configs.incrementalAlterConfigs(ctx);
      case DELETE_RECORDS -> deleteRecords.deleteRecords(ctx);
      case FIND_COORDINATOR -> groups.findCoordinator(ctx);
      case JOIN_GROUP -> groups.joinGroup(ctx);
      case SYNC_GROUP -> groups.syncGroup(ctx);
      case HEARTBEAT -> groups.heartbeat(ctx);
      case LEAVE_GROUP -> groups.leaveGroup(ctx);
      case OFFSET_COMMIT -> groups.offsetCommit(ctx);
      case OFFSET_FETCH -> groups.offsetFetch(ctx);
      case LIST_GROUPS -> groups.listGroups(ctx);
      case DESCRIBE_GROUPS -> groups.describeGroups(ctx);
      case DESCRIBE_QUORUM -> quorum.describeQuorum(ctx);
      case ADD_RAFT_VOTER -> voters.addRaftVoter(ctx);
      case REMOVE_RAFT_VOTER -> voters.removeRaftVoter(ctx);
      case UNREGISTER_BROKER -> voters.unregisterBroker(ctx);
      case ELECT_LEADERS -> electLeaders.electLeaders(ctx);
      case ALTER_PARTITION_REASSIGNMENTS -> moves.alterPartitionReassignments(ctx);
      case LIST_PARTITION_REASSIGNMENTS -> moves.listPartitionReassignments(ctx);
      case DESCRIBE_LOG_DIRS -> logDirs.describeLogDirs(ctx);
      default -> throw new org.apache.kafka.common.errors.UnsupportedVersionException(
          "api=" + ctx.apiKey().name + " reason=not-implemented");
    }
  }
}
