package io.chronik.broker.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every broker setting, declared once with its type, default, bounds and meaning. docs/BROKER.md's configuration
 * table is generated from this list ({@code BrokerSettingsDocTest} keeps them equal); {@link BrokerConfig} parses
 * and validates a properties file against it. To add a setting: one constant here, listed in {@link #ALL}, then
 * read it with {@code config.get(BrokerSettings.X)}.
 */
public final class BrokerSettings {
  private BrokerSettings() {}

  private static final int INT_MAX = Integer.MAX_VALUE;

  public static final Setting<Integer> NODE_ID = Setting.integer("node.id", 1, 0, INT_MAX, "integer ≥ 0",
      "Broker id reported in Metadata/FindCoordinator/DescribeCluster.");
  public static final Setting<String> LISTENER_HOST = Setting.text("listener.host", "127.0.0.1", true, null,
      "host or IP", "Address the listener binds to.");
  public static final Setting<Integer> LISTENER_PORT = Setting.integer("listener.port", 9092, 0, 65535,
      "TCP port, 0 = any free port", "Port the listener binds to.");
  public static final Setting<String> ADVERTISED_HOST = Setting.text("advertised.host", "", true,
      "(listener.host)", "host or IP",
      "Host clients are told to connect to (the advertised port is the bound port).");
  public static final Setting<String> DATA_DIR = Setting.text("data.dir", "chronik-data", false, null, "path",
      "Directory holding topic metadata, partition logs, group offsets, producer id blocks, cluster id.");
  public static final Setting<String> TRANSPORT = Setting.oneOf("transport", "auto", List.of("auto", "epoll", "nio"),
      "Netty transport; `auto` uses epoll when the native library loads.");
  public static final Setting<Integer> IO_THREADS = Setting.integer("io.threads", 2, 1, 64, "threads, 1–64",
      "Netty event-loop threads.");
  public static final Setting<Integer> REQUEST_BYTES_MAX = Setting.integer("request.bytes.max", 16 << 20, 1024,
      1 << 30, "bytes", "Largest request frame accepted; a larger (or negative) size closes the connection.");
  public static final Setting<Integer> CONNECTION_INFLIGHT_REQUESTS_MAX = Setting.integer(
      "connection.inflight.requests.max", 16, 1, 1024, "requests",
      "Unanswered requests per connection before the broker stops reading from it.");
  public static final Setting<Integer> MESSAGE_BYTES_MAX = Setting.integer("message.bytes.max", 1048588, 64,
      1 << 30, "bytes",
      "Largest record batch accepted (Kafka's `max.message.bytes`); larger → MESSAGE_TOO_LARGE.");
  public static final Setting<Integer> LOG_SEGMENT_BYTES = Setting.integer("log.segment.bytes", 16 << 20, 1 << 20,
      1 << 30, "bytes, 1 MiB–1 GiB", "Segment size of partition logs and the group-offsets log; "
          + "`message.bytes.max` must be at most this minus 64.");
  public static final Setting<Long> LOG_RETENTION_MS = Setting.longValue("log.retention.ms", 604_800_000L, -1,
      Long.MAX_VALUE, "ms, -1 = unlimited", "Default `retention.ms` of topics: whole segments whose newest record "
          + "(batch max timestamp) is older are deleted (the log start moves past them on every replica).");
  public static final Setting<Long> LOG_RETENTION_BYTES = Setting.longValue("log.retention.bytes", -1, -1,
      Long.MAX_VALUE, "bytes, -1 = unlimited", "Default `retention.bytes` of topics: per partition, the oldest "
          + "whole segments are deleted while the rest still holds at least this much.");
  public static final Setting<Long> LOG_ROLL_MS = Setting.longValue("log.roll.ms", 604_800_000L, 1, Long.MAX_VALUE,
      "ms", "Default `segment.ms` of topics: a partition's active segment is rolled once it is this old (counted "
          + "from when this node first saw it), so time retention can delete it.");
  public static final Setting<Long> LOG_RETENTION_CHECK_INTERVAL_MS = Setting.longValue(
      "log.retention.check.interval.ms", 300_000L, 1, Long.MAX_VALUE, "ms", "How often each node checks its "
          + "partitions: leaders propose a new log start from `retention.ms`/`retention.bytes`, every replica "
          + "rolls segments past `segment.ms` (docs/REPLICATION.md).");
  public static final Setting<String> LOG_CLEANUP_POLICY = Setting.oneOf("log.cleanup.policy", "delete",
      List.of("delete", "compact", "compact,delete"), "Default `cleanup.policy` of topics: `delete` applies "
          + "`retention.ms`/`retention.bytes`; `compact` keeps the latest record per key (Kafka's log cleaner; "
          + "time and size retention off); both do both (docs/STORAGE.md \"Key compaction\").");
  public static final Setting<Double> LOG_CLEANER_MIN_CLEANABLE_RATIO = Setting.decimal(
      "log.cleaner.min.cleanable.ratio", 0.5, 0, 1, "0–1", "Default `min.cleanable.dirty.ratio` of topics: a "
          + "compacted partition's leader proposes a cleaning once the bytes written since the last cleaning "
          + "point are at least this share of the cleanable log.");
  public static final Setting<Long> LOG_CLEANER_DELETE_RETENTION_MS = Setting.longValue(
      "log.cleaner.delete.retention.ms", 86_400_000L, 0, Long.MAX_VALUE, "ms", "Default `delete.retention.ms` of "
          + "topics: a tombstone (null value) below a cleaning point stays readable at least this long after it "
          + "was first cleaned, then a later cleaning removes it.");
  public static final Setting<Long> LOG_CLEANER_MIN_COMPACTION_LAG_MS = Setting.longValue(
      "log.cleaner.min.compaction.lag.ms", 0L, 0, Long.MAX_VALUE, "ms", "Default `min.compaction.lag.ms` of topics: "
          + "batches newer than this (batch max timestamp) are never cleaned.");
  public static final Setting<Long> LOG_CLEANER_BACKOFF_MS = Setting.longValue("log.cleaner.backoff.ms", 15_000L, 1,
      Long.MAX_VALUE, "ms", "How often each node looks at its compacted partitions: leaders propose a cleaning "
          + "point when due, every replica cleans its closed segments below the latest committed one.");
  public static final Setting<Boolean> LOG_SEGMENT_PREALLOCATE = Setting.bool("log.segment.preallocate", false,
      "Zero-fill each partition's next segment ahead, on the driver's preparation thread, from when the "
          + "active one is half full (a new partition's first one at once); a roll takes it if ready and never waits "
          + "for it. Every partition then holds one spare segment on disk. Off: at 40k rec/s it saved no driver CPU "
          + "(docs/PERFORMANCE.md, \"Lever 2 built\").");
  public static final Setting<Integer> STORAGE_OPEN_THREADS = Setting.integer("storage.open.threads", 8, 1, 64,
      "threads", "Partition logs opened at once when a node starts or a topic is created: opening a stored log "
          + "forces its last segment and directory, and forces of different files overlap (docs/STORAGE.md).");
  public static final Setting<Boolean> STORAGE_REPAIR_FROM_PEERS = Setting.bool("storage.repair.from.peers", true,
      "A group log whose durable data is damaged (a CRC mismatch in a closed segment, a missing segment) is cut at "
          + "the damage and refilled from the group's leader; until then this node does not campaign for it and votes only "
          + "as its whole log would have "
          + "(docs/STORAGE.md, \"Repair from peers\"). false: such a log does not open (the node keeps the files for "
          + "inspection).");
  public static final Setting<Integer> FETCH_RESPONSE_BYTES_MAX = Setting.integer("fetch.response.bytes.max",
      16 << 20, 1024, 1 << 30, "bytes", "Cap on one Fetch response (the client's `fetch.max.bytes` is honoured "
          + "below it; the first batch is always returned whole).");
  public static final Setting<Boolean> AUTO_CREATE_TOPICS_ENABLE = Setting.bool("auto.create.topics.enable", true,
      "Create unknown topics named in Metadata requests that allow it.");
  public static final Setting<Integer> NUM_PARTITIONS = Setting.integer("num.partitions", 1, 1, 10000, "partitions",
      "Partitions of auto-created topics and of CreateTopics with `numPartitions=-1`.");
  public static final Setting<Integer> PARTITIONS_MAX = Setting.integer("partitions.max", 10000, 1, 100000,
      "partitions", "Upper bound for a topic's partition count.");
  public static final Setting<Integer> GROUP_SESSION_TIMEOUT_MIN_MS = Setting.integer("group.session.timeout.min.ms",
      6000, 1, INT_MAX, "ms", "Smallest session timeout a group member may ask for.");
  public static final Setting<Integer> GROUP_SESSION_TIMEOUT_MAX_MS = Setting.integer("group.session.timeout.max.ms",
      1800000, 1, INT_MAX, "ms", "Largest session timeout a group member may ask for.");
  public static final Setting<Integer> GROUP_INITIAL_REBALANCE_DELAY_MS = Setting.integer(
      "group.initial.rebalance.delay.ms", 3000, 0, INT_MAX, "ms",
      "Wait for more members before the first rebalance of an empty group completes.");
  public static final Setting<Integer> OFFSET_METADATA_BYTES_MAX = Setting.integer("offset.metadata.bytes.max", 4096,
      0, 1 << 20, "chars", "Largest metadata string per committed offset (OFFSET_METADATA_TOO_LARGE above).");
  public static final Setting<Integer> PRODUCER_ID_BLOCK_SIZE = Setting.integer("producer.id.block.size", 1000, 1,
      1_000_000, "ids", "Producer ids reserved (and fsynced) per block; ids are never reused across restarts.");
  public static final Setting<Integer> METRICS_LOG_INTERVAL_MS = Setting.integer("metrics.log.interval.ms", 60000, 0,
      INT_MAX, "ms, 0 = off", "Period of the one-line request metrics log (count/mean latency per API, "
          + "from the same timers as `chronik_request_duration_seconds{api}`).");
  public static final Setting<String> ADMIN_HOST = Setting.text("admin.host", "", true, "(listener.host)",
      "host or IP", "Address the admin HTTP port binds to (`/metrics`, `/health`, `/ready`; docs/OPERATIONS.md).");
  public static final Setting<Integer> ADMIN_PORT = Setting.integer("admin.port", 9644, -1, 65535,
      "TCP port, 0 = any free port, -1 = none", "The admin HTTP port. A taken port stops the start with "
          + "`key=admin.port … reason=port-in-use` (exit 1). `chronik cluster start` gives node i the Kafka port "
          + "+ 552 (9644, 9645, …).");
  public static final Setting<Boolean> METRICS_PARTITION_SERIES = Setting.bool("metrics.partition.series", true,
      "Export the per-partition series (`raft_current_term`, `raft_commit_index`, `raft_log_entries`, "
          + "`chronik_partition_*`: six per hosted partition, about 25,000 series and 1.8 MB per scrape at 4,096 "
          + "partitions). `false` keeps the node totals only.");
  public static final Setting<Integer> REPLICA_LAG_ENTRIES_MAX = Setting.integer("replica.lag.entries.max", 1000, 0,
      INT_MAX, "entries", "A replica further behind its leader than this (or on a node that is down) makes the "
          + "partition count as under-replicated.");
  public static final Setting<String> CLUSTER_NODES = Setting.text("cluster.nodes", "", true, "(this node alone)",
      "`id@host:kafkaPort:raftPort,...`", "The cluster's founding members (its seed): their addresses, where "
          + "topics are placed, the metadata group's first voters (after a voter change the metadata log has the "
          + "say, docs/MEMBERSHIP.md); must name `node.id` (a node joining by `cluster.bootstrap`: only itself). "
          + "Empty: a one-node cluster (same Raft path, no peer listener). Node ids 0–63.");
  public static final Setting<String> CLUSTER_BOOTSTRAP = Setting.text("cluster.bootstrap", "", true, "(none)",
      "`host:kafkaPort`", "Join a running cluster through one of its nodes: at the first start the node reads that "
          + "node's `cluster.nodes` (the cluster's seed) by DescribeConfigs, keeps it in `<data.dir>/cluster.seed`, "
          + "registers itself and becomes an observer (learner) of the metadata group; `cluster.nodes` then names "
          + "only this node's own addresses. No other node's config changes (docs/MEMBERSHIP.md).");
  public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("replication.factor", 3, 1, 7,
      "replicas, 1–7", "Replicas per partition (capped at the node count); auto-created topics and CreateTopics "
          + "with `replicationFactor=-1` use it.");
  public static final Setting<Integer> RAFT_TICK_MS = Setting.integer("raft.tick.ms", 20, 1, 10_000, "ms",
      "Length of one Raft tick.");
  public static final Setting<Integer> RAFT_ELECTION_TICKS = Setting.integer("raft.election.ticks", 15, 2, 100_000,
      "ticks", "Base election timeout (each node draws from [T, 2T)); with 20 ms ticks 300–600 ms — above this "
          + "machine's fsync tail (~100 ms p99) so slow disks do not cause elections.");
  public static final Setting<Integer> RAFT_HEARTBEAT_TICKS = Setting.integer("raft.heartbeat.ticks", 3, 1, 100_000,
      "ticks", "Leader heartbeat interval; must be below `raft.election.ticks`.");
  public static final Setting<Boolean> RAFT_QUIESCE = Setting.bool("raft.quiesce", true, "Idle Raft groups stop "
      + "heartbeating (one QUIESCE message from the leader) until traffic wakes them; nodes ping each other once "
      + "per heartbeat interval and wake the groups of a peer that went silent for 4 election timeouts or whose "
      + "connection closed. What lets thousands of idle partitions cost nothing.");
  public static final Setting<Boolean> RAFT_PEER_LEASE = Setting.bool("raft.peer.lease", true, "A peer that pinged "
      + "within `raft.peer.lease.ms` and whose Raft loop is running (its pings say so; a loop stuck for 5 election "
      + "timeouts, at least 2 s, says stalled) keeps the leases of the groups shared with it: followers of its "
      + "leaders hold their election timers, its leaders' check-quorum counts it. A loop stretched by a slow fsync "
      + "then starts no election storm; a dead or cut-off node stops pinging and elections run as usual. "
      + "docs/REPLICATION.md.");
  public static final Setting<Integer> RAFT_PEER_LEASE_MS = Setting.integer("raft.peer.lease.ms", 1000, 1, 60_000,
      "ms, 1–60000", "How recent a peer's last ping must be for its lease to hold (pings go out once per heartbeat "
      + "interval from a timer thread). Long enough to ride out a JVM or its ping thread descheduled on a loaded "
      + "host: at 3 heartbeat intervals (180 ms) a 3-node cluster at 1,024 partitions on a 2-core host under "
      + "load lost leases in bursts of about 80 elections per node. A killed peer is seen at once anyway (its "
      + "connection closes); only a silent peer (a network partition) waits this long before elections run.");
  public static final Setting<Integer> RAFT_GROUPS_MAX = Setting.integer("raft.groups.max", 1 << 16, 2, 1 << 16,
      "group ids, 2–65536", "Raft group ids in use at once, the metadata group's included: every partition "
          + "takes one, and a deleted topic's ids are handed out again (lowest first, each as a new incarnation of "
          + "its id). CreateTopics, CreatePartitions and auto-creation that need more than are left get "
          + "POLICY_VIOLATION `reason=raft-groups-exhausted`. Must be equal on every node (the metadata log is applied alike "
          + "everywhere); below the default only for tests.");
  public static final Setting<Integer> RAFT_SNAPSHOT_INTERVAL_ENTRIES = Setting.integer(
      "raft.snapshot.interval.entries", 10000, 1, INT_MAX, "entries", "Applied entries between two snapshots of "
          + "a partition's state (producer table, next offset); a restart loads the snapshot and replays the entries "
          + "after it, so idempotent dedupe survives a restart however old the batch. docs/REPLICATION.md.");
  public static final Setting<Long> RAFT_CATCHUP_HOLD_ENTRIES = Setting.longValue("raft.catchup.hold.entries",
      100_000L, 0, Long.MAX_VALUE, "entries", "Retention deletes a partition's segments only below the Raft index "
          + "every replica holds — except replicas more than this many entries behind the commit index (e.g. a "
          + "stopped node): they no longer hold the others' disk, and catch up by InstallSnapshot of the snapshot "
          + "plus the retained records when back. docs/REPLICATION.md \"Catch-up by snapshot\".");
  public static final Setting<Long> RAFT_SNAPSHOT_SEND_BYTES_PER_SEC = Setting.longValue(
      "raft.snapshot.send.bytes.per.sec", 64L << 20, 1 << 16, Long.MAX_VALUE, "bytes/s", "Rate of one "
          + "InstallSnapshot transfer (one group to one follower; at least one 64 KiB chunk per tick), so a "
          + "catch-up cannot crowd out the appends of the other groups on the link.");
  public static final Setting<Integer> RAFT_SNAPSHOT_CHUNK_BYTES = Setting.integer("raft.snapshot.chunk.bytes",
      64 << 10, 1024, 16 << 20, "bytes", "Size of one InstallSnapshot chunk; each carries its own CRC32C and is "
          + "written to the follower's disk as it arrives (install.image.part). docs/REPLICATION.md \"Catch-up by "
          + "snapshot\".");
  public static final Setting<Long> RAFT_SNAPSHOT_WINDOW_BYTES = Setting.longValue("raft.snapshot.window.bytes",
      4L << 20, 1024, 1L << 30, "bytes", "InstallSnapshot bytes a leader sends ahead of the follower's "
          + "acknowledgements (flow control): what one transfer holds and queues at most.");
  public static final Setting<Long> RAFT_APPLY_HELD_BYTES = Setting.longValue("raft.apply.held.bytes",
      256L << 10, 0, 1L << 30, "bytes", "Per Raft group: durable entries kept in memory until applied, so the "
          + "apply does not read back from the log what this node appended a moment ago (over the bound the "
          + "oldest are read from the log; 0 reads every one back). docs/PERFORMANCE.md.");
  public static final Setting<Integer> METADATA_SNAPSHOT_INTERVAL_ENTRIES = Setting.integer(
      "metadata.snapshot.interval.entries", 10000, 1, INT_MAX, "entries", "Applied entries between two snapshots "
          + "of the metadata group's whole image (topics, partition assignments, configs, committed group offsets, "
          + "cluster id); its log is compacted below the snapshot, and a start loads the snapshot and replays only "
          + "the entries after it. docs/REPLICATION.md.");
  public static final Setting<Integer> LEADER_BALANCE_INTERVAL_MS = Setting.integer("leader.balance.interval.ms",
      1000, 0, INT_MAX, "ms, 0 = off", "How often a node hands leadership of partitions it leads back to their "
          + "preferred replica (the first of the replica list) once that replica is active and caught up, at most "
          + "256 per round.");
  public static final Setting<Integer> LEADER_BALANCE_WARMUP_MS = Setting.integer("leader.balance.warmup.ms",
      10000, 0, INT_MAX, "ms", "The balancer hands a partition back to its preferred replica only once that replica's "
          + "node has been up this long: a node that has just restarted runs a cold JVM, and leadership moved to it "
          + "at once stalls produce for up to a second (a rolling restart's p99). docs/OPERATIONS.md.");
  public static final Setting<Integer> SHUTDOWN_HANDOFF_TIMEOUT_MS = Setting.integer("shutdown.handoff.timeout.ms",
      10000, 0, INT_MAX, "ms", "At SIGTERM a node first hands leadership of every group it leads to an up-to-date "
          + "follower and declines leadership; it waits at most this long for that, then closes its ports. "
          + "docs/OPERATIONS.md \"Graceful shutdown\".");
  public static final Setting<Integer> METADATA_READY_WAIT_MS = Setting.integer("metadata.ready.wait.ms", 5000, 0,
      INT_MAX, "ms", "A restarted node opens its Kafka listener once its metadata image caught up with the current "
          + "leader's term (no client is told a topic is unknown because the log was not applied yet), or after this "
          + "long without a metadata quorum (then it serves what it has, and says so in the log).");
  public static final Setting<Integer> SHUTDOWN_TIMEOUT_MS = Setting.integer("shutdown.timeout.ms", 30000, 1000,
      INT_MAX, "ms", "Hard bound on a graceful stop: a node still stopping after this long halts (every "
          + "acknowledged write is already fsynced). Keep it below the service manager's stop timeout (the unit's "
          + "TimeoutStopSec=90).");

  public static final Setting<String> ARCHIVE_S3_URI = Setting.text("archive.s3.uri", "", true, "(off)",
      "s3://bucket/prefix", "Where the snapshot archive uploads the committed segments and snapshots of every "
          + "group this node leads (docs/STORAGE.md, \"Snapshot archive\"); empty: no archive.");
  public static final Setting<String> ARCHIVE_S3_ENDPOINT = Setting.text("archive.s3.endpoint", "", true, "(AWS)",
      "URL", "Endpoint override for an S3-compatible server; credentials come from the AWS SDK's default chain.");
  public static final Setting<String> ARCHIVE_S3_REGION = Setting.text("archive.s3.region", "us-east-1", false, null,
      "region", "The archive bucket's region.");
  public static final Setting<Boolean> ARCHIVE_S3_PATH_STYLE = Setting.bool("archive.s3.path.style", false,
      "Path-style bucket addressing (most S3-compatible servers want it).");
  public static final Setting<Integer> ARCHIVE_INTERVAL_MS = Setting.integer("archive.interval.ms", 10000, 100,
      INT_MAX, "ms", "How often the archive uploads what was committed since its last round: with the upload "
          + "time, the bound on how far the archive lags the committed log (metric chronik_archive_lag_entries).");
  public static final Setting<String> ARCHIVE_COMPRESSION = Setting.oneOf("archive.compression", "none",
      List.of("none", "gzip"), "How archived objects are encoded: none sends segment files as they are (Kafka "
          + "batches are usually compressed by their producers already), gzip compresses each (the object's name "
          + "ends in .gz; restore reads either). docs/STORAGE.md, \"Snapshot archive\".");
  public static final Setting<Integer> ARCHIVE_UPLOAD_THREADS = Setting.integer("archive.upload.threads", 2, 1, 64,
      "threads", "How many archive objects (of one group or several) are uploaded at once; a group's manifest "
          + "follows its last object, and a group is never archived twice at once.");
  public static final Setting<Long> ARCHIVE_LAG_BYTES_MAX = Setting.longValue("archive.lag.bytes.max",
      1L << 30, 1, Long.MAX_VALUE, "bytes", "Past this many bytes of the led groups' logs not yet in the archive "
          + "(metric chronik_archive_lag_bytes) the node logs a warning (reason=lag-over-bound, at most once a "
          + "minute); produce and fetch go on: the archive never holds them back.");

  /** Every setting, in the order the docs list them. */
  public static final List<Setting<?>> ALL = List.of(NODE_ID, LISTENER_HOST, LISTENER_PORT, ADVERTISED_HOST,
      DATA_DIR, TRANSPORT, IO_THREADS, REQUEST_BYTES_MAX, CONNECTION_INFLIGHT_REQUESTS_MAX, MESSAGE_BYTES_MAX,
      LOG_SEGMENT_BYTES, LOG_RETENTION_MS, LOG_RETENTION_BYTES, LOG_ROLL_MS,
      LOG_RETENTION_CHECK_INTERVAL_MS, LOG_CLEANUP_POLICY, LOG_CLEANER_MIN_CLEANABLE_RATIO,
      LOG_CLEANER_DELETE_RETENTION_MS, LOG_CLEANER_MIN_COMPACTION_LAG_MS, LOG_CLEANER_BACKOFF_MS, LOG_SEGMENT_PREALLOCATE, STORAGE_OPEN_THREADS, STORAGE_REPAIR_FROM_PEERS, FETCH_RESPONSE_BYTES_MAX, AUTO_CREATE_TOPICS_ENABLE,
      NUM_PARTITIONS, PARTITIONS_MAX, GROUP_SESSION_TIMEOUT_MIN_MS, GROUP_SESSION_TIMEOUT_MAX_MS,
      GROUP_INITIAL_REBALANCE_DELAY_MS, OFFSET_METADATA_BYTES_MAX, PRODUCER_ID_BLOCK_SIZE, METRICS_LOG_INTERVAL_MS,
      ADMIN_HOST, ADMIN_PORT, METRICS_PARTITION_SERIES, REPLICA_LAG_ENTRIES_MAX,
      CLUSTER_NODES, CLUSTER_BOOTSTRAP, REPLICATION_FACTOR, RAFT_TICK_MS, RAFT_ELECTION_TICKS, RAFT_HEARTBEAT_TICKS, RAFT_QUIESCE, RAFT_PEER_LEASE, RAFT_PEER_LEASE_MS,
      RAFT_GROUPS_MAX, RAFT_SNAPSHOT_INTERVAL_ENTRIES, RAFT_CATCHUP_HOLD_ENTRIES, RAFT_SNAPSHOT_SEND_BYTES_PER_SEC,
      RAFT_SNAPSHOT_CHUNK_BYTES, RAFT_SNAPSHOT_WINDOW_BYTES, RAFT_APPLY_HELD_BYTES,
      METADATA_SNAPSHOT_INTERVAL_ENTRIES, LEADER_BALANCE_INTERVAL_MS, LEADER_BALANCE_WARMUP_MS, SHUTDOWN_HANDOFF_TIMEOUT_MS, METADATA_READY_WAIT_MS, SHUTDOWN_TIMEOUT_MS,
      ARCHIVE_S3_URI, ARCHIVE_S3_ENDPOINT, ARCHIVE_S3_REGION, ARCHIVE_S3_PATH_STYLE, ARCHIVE_INTERVAL_MS,
      ARCHIVE_COMPRESSION, ARCHIVE_UPLOAD_THREADS, ARCHIVE_LAG_BYTES_MAX);

  private static final Map<String, Setting<?>> BY_KEY = index();

  private static Map<String, Setting<?>> index() {
    Map<String, Setting<?>> m = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      if (m.put(s.key(), s) != null) {
        throw new IllegalStateException("key=" + s.key() + " reason=declared-twice");
      }
    }
    return Map.copyOf(m);
  }

  /** The setting named {@code key}, or null. */
  public static Setting<?> byKey(String key) {
    return BY_KEY.get(key);
  }

  /** docs/BROKER.md's configuration table, generated from {@link #ALL}. */
  public static String markdownTable() {
    StringBuilder b = new StringBuilder("| Key | Default | Unit / values | Meaning |\n|---|---|---|---|\n");
    for (Setting<?> s : ALL) {
      b.append("| `").append(s.key()).append("` | ").append(s.defaultShown()).append(" | ").append(s.values())
          .append(" | ").append(s.meaning()).append(" |\n");
    }
    return b.toString();
  }
}
