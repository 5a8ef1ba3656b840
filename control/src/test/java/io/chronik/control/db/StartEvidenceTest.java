package io.chronik.control.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartEvidenceTest {
  @Test
  void singleLineValuesComeFirstThenTheCrashFileHeadAndTheLogTail() {
    String output = "pid=41\nprocess-state=gone\nexited-pid=41 exit-status=1\n\nld-preload=/lib/f.so\nhs-err=logs/hs_err_pid41.log\n"
        + "--hs-err-head--\n# SIGSEGV (0xb)\n# Problematic frame\n\n--log-tail--\nUnrecognized VM option\n";

    assertThat(StartEvidence.format(output)).isEqualTo("pid=41 process-state=gone exited-pid=41 exit-status=1 "
        + "ld-preload=/lib/f.so hs-err=logs/hs_err_pid41.log hs-err-head=# SIGSEGV (0xb)\n# Problematic frame "
        + "log-tail=Unrecognized VM option");
  }

  @Test
  void noCrashFileLeavesNoHeadKey() {
    assertThat(StartEvidence.format("pid=none\nhs-err=none\n--hs-err-head--\n\n--log-tail--\n"))
        .isEqualTo("pid=none hs-err=none log-tail=");
  }

  @Test
  void outputWithoutTheMarksIsKeptBoundedAsIs() {
    String text = StartEvidence.format("x".repeat(10_000));

    assertThat(text).startsWith("evidence=incomplete output=xxx").hasSize(StartEvidence.MAX_CHARS + 1);
  }

  @Test
  void aLongLogTailIsCutAtTheBound() {
    String output = "pid=1\n--hs-err-head--\n--log-tail--\n" + "y".repeat(5_000);

    assertThat(StartEvidence.format(output)).hasSize(StartEvidence.MAX_CHARS + 1).endsWith("y…");
  }
}
