package io.chronik.broker.protocol;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs this broker implements, each at every version the bundled kafka-clients message
 * classes support (oldest..latest stable): handlers deal with all version differences.
 * Anything not listed here is not advertised; transactions are deliberately absent.
 */
public final class SupportedApis {
  private static final Set<ApiKeys> IMPLEMENTED = EnumSet.of(
      ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS,
      ApiKeys.OFFSET_FOR_LEADER_EPOCH, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS,
      ApiKeys.CREATE_PARTITIONS, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.DESCRIBE_CLUSTER,
      ApiKeys.INIT_PRODUCER_ID, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP,
      ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
      ApiKeys.LIST_GROUPS, ApiKeys.DESCRIBE_GROUPS, ApiKeys.DELETE_RECORDS, ApiKeys.ALTER_CONFIGS,
      ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiKeys.DESCRIBE_QUORUM,
      ApiKeys.ELECT_LEADERS, ApiKeys.ALTER_PARTITION_REASSIGNMENTS, ApiKeys.LIST_PARTITION_REASSIGNMENTS,
      ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.ADD_RAFT_VOTER, ApiKeys.REMOVE_RAFT_VOTER,
      ApiKeys.UNREGISTER_BROKER);

  private SupportedApis() {}

  public static Set<ApiKeys> implemented() {
    return IMPLEMENTED;
  }

  public static boolean supports(ApiKeys key, short version) {
    return IMPLEMENTED.contains(key) && version >= key.oldestVersion() && version <= key.latestVersion();
  }

  public static ApiVersionsResponseData apiVersions(short errorCode) {
    ApiVersionCollection list = new ApiVersionCollection();
    for (ApiKeys k : IMPLEMENTED) {
      list.add(new ApiVersion().setApiKey(k.id).setMinVersion(k.oldestVersion())
          .setMaxVersion(k.latestVersion()));
    }
    return new ApiVersionsResponseData().setErrorCode(errorCode).setApiKeys(list);
  }
}
