package io.chronik.control.db;

import io.chronik.control.host.Shell;

/**
 * What a person needs when a lab host's server did not start or died before it was healthy, read in
 * one SSH round trip: the pid the pid file names and what {@code /proc} shows of it (state, command
 * line), the exit status its parent shell recorded ({@code run/<db>.exit}: {@code exited-pid=N
 * exit-status=S}), whether the start script preloads a library (libfaketime) and the offset file it
 * reads, the newest JVM crash file ({@code hs_err_pid*.log}, moved from the home into logs/ so the
 * run's log collection keeps it) and the tail of the server's stdout/stderr ({@code logs/<db>.log}).
 *
 * <p>Single-line values come first as key=value; the crash file's head (where the JVM names the
 * signal or error and the problematic frame) and the log tail follow, each bounded, so the whole
 * text stays under {@link #MAX_CHARS}.
 */
final class StartEvidence {
  static final int MAX_CHARS = 3000;
  private static final int VALUE_BYTES = 200;
  private static final int HS_ERR_BYTES = 700;
  private static final int LOG_BYTES = 600;
  private static final String HS_ERR_MARK = "--hs-err-head--";
  private static final String LOG_MARK = "--log-tail--";

  private StartEvidence() {}

  /** The file (relative to the home) where a server's parent shell records how it exited. */
  static String exitFile(String db) {
    return "run/" + db + ".exit";
  }

  /** Shell, run in any directory, that prints the evidence for {@link #format}. */
  static String shell(String home, String db) {
    String script = "bin/" + db + "-server";
    return "cd " + q(home) + " || exit 0; P=$(cat run/" + db + ".pid 2>/dev/null); echo \"pid=${P:-none}\"; "
        + "if [ -n \"$P\" ] && [ -r /proc/$P/stat ]; then "
        + "echo \"process-state=$(sed 's/^.*) //' /proc/$P/stat | cut -d' ' -f1)\"; "
        + "echo \"process-cmdline=$(tr '\\0' ' ' </proc/$P/cmdline | head -c " + VALUE_BYTES + ")\"; "
        + "else echo process-state=gone; fi; "
        + "head -c " + VALUE_BYTES + " " + exitFile(db) + " 2>/dev/null || echo exit-status=unrecorded; echo; "
        + "L=$(sed -n 's/.*LD_PRELOAD=\\([^ ]*\\).*/\\1/p' " + script + " 2>/dev/null | head -1); "
        + "echo \"ld-preload=${L:-none}\"; "
        + "if [ -n \"$L\" ]; then if [ -e \"$L\" ]; then echo ld-preload-file=present; else echo ld-preload-file=missing; fi; "
        + "if [ -f conf/" + FakeClock.FILE + " ]; then echo \"faketime-offset=$(head -c 40 conf/" + FakeClock.FILE + ")\"; fi; fi; "
        + "for f in hs_err_pid*.log; do [ -f \"$f\" ] && mv \"$f\" logs/; done; "
        + "H=$(ls -t logs/hs_err_pid*.log 2>/dev/null | head -1); echo \"hs-err=${H:-none}\"; "
        + "echo " + HS_ERR_MARK + "; if [ -n \"$H\" ]; then head -c " + HS_ERR_BYTES + " \"$H\"; fi; "
        + "echo; echo " + LOG_MARK + "; tail -c " + LOG_BYTES + " logs/" + db + ".log 2>/dev/null; exit 0";
  }

  /**
   * The output of {@link #shell} as one message: {@code pid=.. process-state=.. exited-pid=..
   * exit-status=.. ld-preload=.. hs-err=.. hs-err-head=<lines> log-tail=<lines>}.
   */
  static String format(String output) {
    int hsErr = output.indexOf(HS_ERR_MARK);
    int log = output.indexOf(LOG_MARK);
    if (hsErr < 0 || log < hsErr) {
      return bounded("evidence=incomplete output=" + output.strip());
    }
    StringBuilder out = new StringBuilder();
    for (String line : output.substring(0, hsErr).split("\n")) {
      if (!line.isBlank()) {
        out.append(out.isEmpty() ? "" : " ").append(line.strip());
      }
    }
    String head = output.substring(hsErr + HS_ERR_MARK.length(), log).strip();
    if (!head.isEmpty()) {
      out.append(" hs-err-head=").append(head);
    }
    out.append(" log-tail=").append(output.substring(log + LOG_MARK.length()).strip());
    return bounded(out.toString());
  }

  private static String bounded(String text) {
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "…";
  }

  private static String q(String word) {
    return Shell.quote(word);
  }
}
