package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.verifier.recorder.HistoryRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryNemesisRecorderTest {
  @TempDir Path dir;

  @Test
  void nemesisEventsBecomeInvokeInfoPairsOfTheNemesisProcess() throws Exception {
    Path file = dir.resolve("history.edn");
    try (HistoryRecorder history = HistoryRecorder.open(file, 1)) {
      NemesisRecorder recorder = new HistoryNemesisRecorder(history.faultOps());
      recorder.record(new NemesisEvent(1, "invoke", "start-kill", "[n1]"));
      recorder.record(new NemesisEvent(2, "info", "start-kill", "killed=[n1]"));
      recorder.record(new NemesisEvent(3, "invoke", "stop-kill", "[n1]"));
      recorder.record(new NemesisEvent(4, "info", "stop-kill", "healed kill [n1]"));
    }
    List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).contains(":process :nemesis").contains(":type :invoke").contains(":f :start-kill");
    assertThat(lines.get(1)).contains(":type :info").contains(":f :start-kill").contains("killed=[n1]");
    assertThat(lines.get(3)).contains(":type :info").contains(":f :stop-kill");
  }

  @Test
  void completionWithoutInvokeIsAnError() throws Exception {
    try (HistoryRecorder history = HistoryRecorder.open(dir.resolve("h.edn"), 1)) {
      NemesisRecorder recorder = new HistoryNemesisRecorder(history.faultOps());
      assertThatThrownBy(() -> recorder.record(new NemesisEvent(1, "info", "start-pause", "")))
          .hasMessageContaining("completion-without-invoke");
    }
  }
}
