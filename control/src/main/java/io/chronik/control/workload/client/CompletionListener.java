package io.chronik.control.workload.client;

import us.bpsm.edn.Keyword;

/** Told of every client operation once its completion is recorded: the run's counters and what the workload tracks. */
@FunctionalInterface
public interface CompletionListener {
  /**
   * @param f the operation
   * @param invoked the value it was invoked with (the register workload reads each key it used again at the end)
   * @param type how it completed
   */
  void completed(Keyword f, Object invoked, ClientMessage.Type type);
}
