package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderCommitsTest {
  @Test
  void keepsTheHighestCommitHeardPerGroupEvenFromManyThreads() throws InterruptedException {
    LeaderCommits commits = new LeaderCommits();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int offset = t;
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          commits.heard(1 + i % 3, i * 4L + offset);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    // the largest value per group: i = 9999 for group 1 (9999 % 3 == 0), 9997 for 2, 9998 for 3
    assertThat(commits.of(1)).isEqualTo(9999 * 4L + 3);
    assertThat(commits.of(2)).isEqualTo(9997 * 4L + 3);
    assertThat(commits.of(3)).isEqualTo(9998 * 4L + 3);
    commits.heard(1, 5);
    assertThat(commits.of(1)).as("a lower (heartbeat) commit never lowers it").isEqualTo(9999 * 4L + 3);
    assertThat(commits.of(7)).isZero();
    commits.forget(1);
    assertThat(commits.of(1)).isZero();
  }
}
