package io.chronik.broker.api;

import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.replication.MetadataCommand;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.AppendStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * The metadata commands of one admin or offset-commit request: each is proposed to the metadata
 * group, its outcome handled on the state thread once committed and applied (or failed), and the
 * response written when the last one is done. State thread only.
 */
final class MetadataProposals implements AppendCallback {
  private final BrokerState s;
  private final RequestContext ctx;
  private final ApiMessage response;
  private final List<Consumer<AppendStatus>> outcomes = new ArrayList<>();
  private int outstanding = 1;
  private java.util.function.BooleanSupplier settled = () -> true;
  private long settleDeadlineNanos;

  MetadataProposals(BrokerState s, RequestContext ctx, ApiMessage response) {
    this.s = s;
    this.ctx = ctx;
    this.response = response;
  }

  /** Proposes {@code command}; {@code outcome} gets SUCCESS after apply, else the failure (or SHUTDOWN if not queued). */
  void propose(MetadataCommand command, Consumer<AppendStatus> outcome) {
    int cookie = outcomes.size();
    outcomes.add(outcome);
    outstanding++;
    if (!s.replication.proposeMetadata(command, cookie, this, s.executor)) {
      onAppendCompleted(cookie, 0, AppendStatus.OVERLOADED, NO_INDEX, NO_OFFSET, NO_REFUSAL);
    }
  }

  /**
   * Holds the response after the commands applied until {@code condition} holds (e.g. new partitions
   * have elected leaders, so clients can use them at once) or {@code timeoutMs} passed.
   */
  void settleWhen(java.util.function.BooleanSupplier condition, long timeoutMs) {
    this.settled = condition;
    this.settleDeadlineNanos = System.nanoTime() + timeoutMs * 1_000_000;
  }

  /** Call after the last {@link #propose}: answers now if nothing is pending. */
  void done() {
    finishOne();
  }

  @Override
  public void onAppendCompleted(long cookie, int groupId, AppendStatus status, long logIndex, long originalOffset,
      short refusalCode) {
    outcomes.get((int) cookie).accept(status);
    finishOne();
  }

  private void finishOne() {
    if (--outstanding == 0) {
      respondWhenSettled();
    }
  }

  private void respondWhenSettled() {
    if (settled.getAsBoolean() || System.nanoTime() >= settleDeadlineNanos) {
      ctx.respond(response);
    } else {
      s.executor.schedule(this::respondWhenSettled, 5, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }
}
