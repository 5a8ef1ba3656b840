package io.chronik.control.nemesis;

import io.chronik.verifier.recorder.FaultOps;
import java.util.HashMap;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * Writes nemesis events into the run's history through the verifier's recorder, as Jepsen does:
 * {@code :process :nemesis}, an {@code :invoke} when a fault starts being applied and an
 * {@code :info} with the result once it is in place. Our event names are already
 * {@code start-<fault>} / {@code stop-<fault>}, the pairs the report shades as fault intervals.
 */
public final class HistoryNemesisRecorder implements NemesisRecorder {
  private final FaultOps faultOps;
  private final Map<String, FaultOps.Pending> inFlight = new HashMap<>();

  public HistoryNemesisRecorder(FaultOps faultOps) {
    this.faultOps = faultOps;
  }

  @Override
  public synchronized void record(NemesisEvent event) {
    if (event.phase().equals("invoke")) {
      if (inFlight.containsKey(event.f())) {
        throw new IllegalStateException("f=" + event.f() + " reason=invoked-twice-without-completion");
      }
      inFlight.put(event.f(), faultOps.invoke(Keyword.newKeyword(event.f()), event.value()));
    } else {
      FaultOps.Pending pending = inFlight.remove(event.f());
      if (pending == null) {
        throw new IllegalStateException("f=" + event.f() + " reason=completion-without-invoke");
      }
      pending.done(event.value());
    }
  }
}
