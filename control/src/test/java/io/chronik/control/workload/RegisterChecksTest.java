package io.chronik.control.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.report.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegisterChecksTest {
  @TempDir Path dir;

  private Verdict check(String history, StringWriter out) throws Exception {
    Files.writeString(dir.resolve("history.edn"), history);
    return RegisterChecks.run(dir.resolve("history.edn"), dir, new PrintWriter(out));
  }

  @Test
  void aReadOfAnOverwrittenOffsetIsReportedNonlinearizableWithTheReports() throws Exception {
    StringWriter out = new StringWriter();
    Verdict v = check("""
        {:index 0 :time 10 :type :invoke :process 0 :f :write :value [["chronik-reg-0" 1] 1000]}
        {:index 1 :time 20 :type :ok :process 0 :f :write :value [["chronik-reg-0" 1] 1000]}
        {:index 2 :time 30 :type :invoke :process :nemesis :f :start-partition :value "isolate-one"}
        {:index 3 :time 40 :type :info :process :nemesis :f :start-partition :value "done"}
        {:index 4 :time 50 :type :invoke :process 1 :f :write :value [["chronik-reg-0" 1] 2000]}
        {:index 5 :time 60 :type :ok :process 1 :f :write :value [["chronik-reg-0" 1] 2000]}
        {:index 6 :time 70 :type :invoke :process 0 :f :read :value [["chronik-reg-0" 1] nil]}
        {:index 7 :time 80 :type :ok :process 0 :f :read :value [["chronik-reg-0" 1] 1000]}
        {:index 8 :time 90 :type :invoke :process :nemesis :f :stop-partition :value "isolate-one"}
        {:index 9 :time 99 :type :info :process :nemesis :f :stop-partition :value "healed"}
        """, out);
    assertThat(v).isEqualTo(Verdict.INVALID);
    assertThat(out.toString()).contains("INVALID").contains("nonlinearizable 1");
    String results = Files.readString(dir.resolve("results.edn"));
    assertThat(results).contains(":valid? false").contains("nonlinearizable").contains("chronik-reg-0");
    assertThat(dir.resolve("report.html")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve("linearizability.html"))).contains("INVALID");
  }

  @Test
  void anUnknownCommitMayExplainALaterReadAndNilIsTheInitialValue() throws Exception {
    Verdict v = check("""
        {:index 0 :time 10 :type :invoke :process 0 :f :read :value [["chronik-reg-0" 0] nil]}
        {:index 1 :time 20 :type :ok :process 0 :f :read :value [["chronik-reg-0" 0] nil]}
        {:index 2 :time 30 :type :invoke :process 1 :f :write :value [["chronik-reg-0" 0] 7]}
        {:index 3 :time 40 :type :info :process 1 :f :write :value [["chronik-reg-0" 0] 7] :error "TimeoutException"}
        {:index 4 :time 50 :type :invoke :process 0 :f :read :value [["chronik-reg-0" 0] nil]}
        {:index 5 :time 60 :type :ok :process 0 :f :read :value [["chronik-reg-0" 0] 7]}
        """, new StringWriter());
    assertThat(v).isEqualTo(Verdict.VALID);
    assertThat(Files.readString(dir.resolve("results.edn"))).contains(":valid? true").contains(":keys 1");
  }
}
