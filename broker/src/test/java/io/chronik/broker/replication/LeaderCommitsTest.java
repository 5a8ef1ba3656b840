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
          commits.heard(1 + i % 3, 0, i * 4L + offset);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    // the largest value per group: i = 9999 for group 1 (9999 % 3 == 0), 9997 for 2, 9998 for 3
    assertThat(commits.of(1, 0)).isEqualTo(9999 * 4L + 3);
    assertThat(commits.of(2, 0)).isEqualTo(9997 * 4L + 3);
    assertThat(commits.of(3, 0)).isEqualTo(9998 * 4L + 3);
    commits.heard(1, 0, 5);
    assertThat(commits.of(1, 0)).as("a lower (heartbeat) commit never lowers it").isEqualTo(9999 * 4L + 3);
    assertThat(commits.of(7, 0)).isZero();
    commits.forget(1, 0);
    assertThat(commits.of(1, 0)).isZero();
  }

  @Test
  void aDeletedGroupsCommitHeardLateIsNotTheCommitOfItsSuccessorUnderTheSameId() {
    LeaderCommits commits = new LeaderCommits();
    commits.heard(4, 0, 90_000);
    commits.forget(4, 0);
    commits.heard(4, 0, 90_001); // the deleted group's leader, still talking before it applied the deletion

    commits.heard(4, 1, 12);

    assertThat(commits.of(4, 1)).isEqualTo(12);
  }
}
