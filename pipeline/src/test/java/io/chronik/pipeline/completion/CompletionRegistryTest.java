package io.chronik.pipeline.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class CompletionRegistryTest {
  private final List<String> delivered = new ArrayList<>();
  private final List<Runnable> tasksA = new ArrayList<>();
  private final List<Runnable> tasksB = new ArrayList<>();
  /** Executors that queue tasks, so the test sees how many tasks each registry call produced. */
  private final Executor loopA = tasksA::add;
  private final Executor loopB = tasksB::add;
  private final AppendCallback callback = (cookie, group, status, index, originalOffset, refusalCode) ->
      delivered.add(cookie + ":" + group + ":" + index + ":" + status);
  private final InFlightLimit inFlight = new InFlightLimit(10_000);
  private final CompletionRegistry registry = new CompletionRegistry(4, inFlight);

  private record Batch(int groupId, long firstCookie, Acks[] acks, Executor[] executors) implements AppendBatchView {
    @Override
    public int size() {
      return acks.length;
    }

    @Override
    public long bytes() {
      return 0;
    }

    @Override
    public ByteBuffer payload(int i) {
      return ByteBuffer.allocate(0);
    }

    @Override
    public Acks acks(int i) {
      return acks[i];
    }

    @Override
    public long cookie(int i) {
      return firstCookie + i;
    }

    @Override
    public AppendCallback callback(int i) {
      return null;
    }

    @Override
    public Executor executor(int i) {
      return executors[i];
    }
  }

  private Batch batch(int group, long firstCookie, int size, Acks acks, Executor executor) {
    Acks[] a = new Acks[size];
    Executor[] e = new Executor[size];
    java.util.Arrays.fill(a, acks);
    java.util.Arrays.fill(e, executor);
    for (int i = 0; i < size; i++) {
      assertThat(inFlight.tryAcquire()).isTrue();
    }
    return new Batch(group, firstCookie, a, e);
  }

  /** Registers with the test's recording callback (the batch view returns none). */
  private void register(Batch batch, long firstIndex, long term) {
    registry.register(new CallbackBatch(batch, callback), firstIndex, term);
  }

  private record CallbackBatch(Batch batch, AppendCallback target) implements AppendBatchView {
    @Override
    public int groupId() {
      return batch.groupId();
    }

    @Override
    public int size() {
      return batch.size();
    }

    @Override
    public long bytes() {
      return 0;
    }

    @Override
    public ByteBuffer payload(int i) {
      return batch.payload(i);
    }

    @Override
    public Acks acks(int i) {
      return batch.acks(i);
    }

    @Override
    public long cookie(int i) {
      return batch.cookie(i);
    }

    @Override
    public AppendCallback callback(int i) {
      return target;
    }

    @Override
    public Executor executor(int i) {
      return batch.executor(i);
    }
  }

  private void runTasks() {
    tasksA.forEach(Runnable::run);
    tasksA.clear();
    tasksB.forEach(Runnable::run);
    tasksB.clear();
  }

  @Test
  void oneDurableCallDeliversOneTaskPerExecutor() {
    register(batch(0, 100, 3, Acks.LEADER, loopA), 1, 1);
    register(batch(1, 200, 2, Acks.LEADER, loopB), 1, 1);
    register(batch(2, 300, 2, Acks.LEADER, loopA), 1, 1);
    registry.durable(new int[] {0, 1, 2}, new long[] {3, 2, 2}, 3);
    assertThat(tasksA).hasSize(1);
    assertThat(tasksB).hasSize(1);
    runTasks();
    assertThat(delivered).containsExactly("100:0:1:SUCCESS", "101:0:2:SUCCESS", "102:0:3:SUCCESS",
        "300:2:1:SUCCESS", "301:2:2:SUCCESS", "200:1:1:SUCCESS", "201:1:2:SUCCESS");
    assertThat(inFlight.inFlight()).isZero();
  }

  @Test
  void registeringAnIndexNotAboveThePendingOnesIsRefused() {
    register(batch(0, 1, 2, Acks.ALL, loopA), 5, 1); // indexes 5 and 6 pending
    assertThatThrownBy(() -> register(batch(0, 3, 1, Acks.ALL, loopA), 6, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("group=0 index=6 last=6 reason=index-not-increasing");
    register(batch(0, 4, 1, Acks.ALL, loopA), 7, 1); // the next index is fine
  }

  @Test
  void acksAllHeadHoldsLaterAppendsOfItsGroupUntilCommitted() {
    register(batch(0, 1, 1, Acks.ALL, loopA), 1, 1);
    register(batch(0, 2, 1, Acks.LEADER, loopA), 2, 1);
    registry.durable(0, 2);
    runTasks();
    assertThat(delivered).isEmpty();
    registry.committed(0, 1, 1);
    runTasks();
    assertThat(delivered).containsExactly("1:0:1:SUCCESS", "2:0:2:SUCCESS");
  }

  @Test
  void commitOfAnotherTermFailsOlderAppendsAsNotLeader() {
    register(batch(0, 1, 2, Acks.ALL, loopA), 5, 1);
    registry.durable(0, 6);
    // the entry at 6 now carries term 2: the term-1 appends may have been overwritten
    registry.committed(0, 6, 2);
    runTasks();
    assertThat(delivered).containsExactly("1:0:-1:NOT_LEADER", "2:0:-1:NOT_LEADER");
    assertThat(registry.pending()).isZero();
  }

  @Test
  void termChangeFailsOnlyOlderTerms() {
    register(batch(3, 1, 1, Acks.ALL, loopA), 1, 1);
    registry.termChanged(3, 1);
    runTasks();
    assertThat(delivered).isEmpty();
    registry.termChanged(3, 2);
    runTasks();
    assertThat(delivered).containsExactly("1:3:-1:NOT_LEADER");
  }

  /**
   * A deleted group's id is reused: its pending appends fail, and its durable index must not make an
   * acks=1 append of the new group under the id complete before the new group's own log is durable.
   */
  @Test
  void aForgottenGroupsPendingAppendsFailAndItsDurableIndexDoesNotCarryOverToTheIdsNextGroup() {
    register(batch(1, 1, 1, Acks.LEADER, loopA), 900, 4);
    registry.durable(1, 899);
    register(batch(1, 2, 1, Acks.ALL, loopA), 901, 4);

    registry.forget(1);
    registry.committed(1, 950, 4); // the driver still reports the old group's commit in the loop that removed it
    runTasks();
    assertThat(delivered).containsExactly("1:1:-1:NOT_LEADER", "2:1:-1:NOT_LEADER");

    register(batch(1, 3, 1, Acks.LEADER, loopA), 1, 1); // the next group under id 1 starts at index 1
    registry.durable(1, 0);
    runTasks();
    assertThat(delivered).as("not durable yet").hasSize(2);
    registry.durable(1, 1);
    runTasks();
    assertThat(delivered).endsWith("3:1:1:SUCCESS");
    assertThat(inFlight.inFlight()).isZero();
  }

  @Test
  void acksNoneWithoutCallbackCompletesSilentlyAndReleasesItsPermit() {
    registry.register(batch(0, 1, 3, Acks.NONE, null), 1, 1);
    registry.durable(0, 3);
    assertThat(tasksA).isEmpty();
    assertThat(registry.pending()).isZero();
    assertThat(inFlight.inFlight()).isZero();
  }

  @Test
  void acksNoneWithCallbackIsToldWhenDurable() {
    register(batch(0, 1, 1, Acks.NONE, loopA), 1, 1);
    registry.durable(0, 1);
    runTasks();
    assertThat(delivered).containsExactly("1:0:1:SUCCESS");
  }

  @Test
  void pendingQueueWrapsAndGrowsKeepingOrder() {
    long index = 1;
    long cookie = 0;
    // interleave registering and completing so the ring wraps, then grow it past its initial 16 slots
    for (int round = 0; round < 5; round++) {
      register(batch(0, cookie, 7, Acks.LEADER, loopA), index, 1);
      index += 7;
      cookie += 7;
      registry.durable(0, index - 3);
    }
    register(batch(0, cookie, 40, Acks.LEADER, loopA), index, 1);
    index += 40;
    registry.durable(0, index - 1);
    runTasks();
    assertThat(delivered).hasSize(75);
    for (int i = 0; i < delivered.size(); i++) {
      assertThat(delivered.get(i)).isEqualTo(i + ":0:" + (i + 1) + ":SUCCESS");
    }
  }
}
