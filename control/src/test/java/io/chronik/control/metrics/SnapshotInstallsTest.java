package io.chronik.control.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotInstallsTest {
  /** The counter as the broker's Prometheus client writes it, after a few other series. */
  private static String exposition(String nodeId, double installed) {
    return exposition(nodeId, installed, "");
  }

  private static String exposition(String nodeId, double installed, String processStart) {
    return (processStart.isEmpty() ? "" : "# HELP process_start_time_seconds Start time of the process since unix "
        + "epoch.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds{node_id=\"" + nodeId + "\"} "
        + processStart + "\n")
        + "# HELP raft_leader_elections_total Elections this node started, over all its groups\n"
        + "# TYPE raft_leader_elections_total counter\n"
        + "raft_leader_elections_total{node_id=\"" + nodeId + "\"} 3.0\n"
        + "# HELP chronik_snapshots_installed_total Leader snapshots (InstallSnapshot) persisted by hosted partition "
        + "replicas since start\n"
        + "# TYPE chronik_snapshots_installed_total counter\n"
        + "chronik_snapshots_installed_total{node_id=\"" + nodeId + "\"} " + installed + "\n"
        + "# HELP chronik_snapshot_bytes_installed_total Bytes of leader snapshot images\n"
        + "# TYPE chronik_snapshot_bytes_installed_total counter\n"
        + "chronik_snapshot_bytes_installed_total{node_id=\"" + nodeId + "\"} 65536.0\n";
  }

  @Test
  void increasesBetweenScrapesAreSummedPerNode() {
    SnapshotInstalls installs = new SnapshotInstalls();
    installs.observe("n1", exposition("0", 0));
    installs.observe("n2", exposition("1", 0));
    installs.observe("n1", exposition("0", 2));
    installs.observe("n1", exposition("0", 2));
    installs.observe("n2", exposition("1", 1));
    installs.observe("n1", exposition("0", 5));

    assertThat(installs.perNode()).isEqualTo(Map.of("n1", 5L, "n2", 1L));
    assertThat(installs.total()).isEqualTo(6);
    assertThat(installs.summary()).isEqualTo("total=6 n1=5 n2=1");
    assertThat(installs.edn()).isEqualTo("{:total 6 :per-node {\"n1\" 5, \"n2\" 1}}");
  }

  @Test
  void aCounterThatDropsIsARestartedBrokerAndItsNewValueCountsInFull() {
    SnapshotInstalls installs = new SnapshotInstalls();
    installs.observe("n3", exposition("2", 4)); // first sight: all 4 since the broker started with the run
    installs.observe("n3", exposition("2", 6)); // +2
    installs.observe("n3", exposition("2", 1)); // killed and restarted: 1 since its start
    installs.observe("n3", exposition("2", 3)); // +2

    assertThat(installs.perNode()).containsExactly(Map.entry("n3", 9L));
  }

  @Test
  void aNewProcessStartTimeIsARestartEvenWhenTheNewCounterIsNotLower() {
    // killed after 3 installs; restarted, it installed 3 again before its first scrape: a drop never seen
    SnapshotInstalls installs = new SnapshotInstalls();
    installs.observe("n1", exposition("0", 0, "1.796418799465E9"));
    installs.observe("n1", exposition("0", 3, "1.796418799465E9"));
    installs.observe("n1", exposition("0", 3, "1.796418830112E9"));
    installs.observe("n1", exposition("0", 4, "1.796418830112E9"));
    installs.observe("n1", exposition("0", 4)); // a scrape without the start time: compared by value only

    assertThat(installs.perNode()).containsExactly(Map.entry("n1", 7L));
  }

  @Test
  void aNodeThatNeverAnsweredIsAbsentAndAScrapeWithoutTheCounterTeachesNothing() throws Exception {
    SnapshotInstalls installs = new SnapshotInstalls();
    String older;
    try (InputStream in = getClass().getResourceAsStream("/metrics/broker-node0.prom")) {
      older = new String(in.readAllBytes(), StandardCharsets.UTF_8); // a broker from before the counter
    }
    installs.observe("n1", older);
    installs.observe("n2", exposition("1", 0));

    assertThat(installs.perNode()).isEqualTo(Map.of("n2", 0L));
    assertThat(installs.summary()).isEqualTo("total=0 n2=0");
    assertThat(new SnapshotInstalls().edn()).isEqualTo("{:total 0 :per-node {}}");
  }
}
