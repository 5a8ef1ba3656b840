package io.chronik.control.db;

import io.chronik.control.host.Host;
import java.util.List;

/**
 * The systemd drop-in a run lays over the Debian package's {@code chronik.service} on a VM: the same
 * installed unit and files as production, with {@code Restart=no} (a broker the nemesis kills must
 * stay down until the control node starts it again, or the fault schedule and the history would lie)
 * and the run's own node settings, user and directories. Teardown removes it and the unit is the
 * package's again.
 */
final class RunDropIn {
  /** The package's unit and launcher (broker/src/dist). */
  static final String UNIT = "chronik";
  static final String LAUNCHER = "/usr/share/chronik/bin/chronik-broker";
  static final String CONFIG = "/etc/chronik/chronik.properties";
  static final String FILE = "chronik-run.conf";
  static final String DIR = "/etc/systemd/system/" + UNIT + ".service.d";
  static final String PATH = DIR + "/" + FILE;
  /** Reloads units only where systemd runs, as Debian's maintainer scripts do. */
  static final String DAEMON_RELOAD = "if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi";

  private RunDropIn() {}

  /**
   * The drop-in for one host, placeholders already expanded. The run's user owns the install dir
   * (data, logs, pid checks, wipes and the lazy file system all work on it as on lab hosts), so the
   * service runs as that user and may write there; the package's sandbox stays otherwise.
   */
  static String text(Host host, List<String> arguments, List<String> javaOptions) {
    String home = host.homeDir();
    StringBuilder exec = new StringBuilder(LAUNCHER).append(" --config ").append(CONFIG);
    for (String a : arguments) {
      exec.append(' ').append(word(a));
    }
    return "# Written by the chronik control node for a test run; removed at teardown (docs/VMS.md).\n"
        + "# Restart=no: a broker the nemesis kills stays down until the control node starts it again.\n"
        + "[Service]\n"
        + "Restart=no\n"
        + "User=" + host.user() + "\n"
        + "Group=\n"
        + "WorkingDirectory=" + home + "\n"
        + "Environment=" + word("CHRONIK_JAVA_OPTS=" + String.join(" ", javaOptions)) + "\n"
        + "ExecStart=\n"
        + "ExecStart=" + exec + "\n"
        + "ProtectHome=read-only\n"
        + "ReadWritePaths=" + home + "\n"
        + "TimeoutStopSec=20\n"
        + "StandardOutput=append:" + home + "/logs/" + UNIT + ".log\n"
        + "StandardError=append:" + home + "/logs/" + UNIT + ".log\n";
  }

  /**
   * One word of a unit file command line or assignment: double-quoted (systemd splits on spaces
   * outside quotes), with systemd's specifier {@code %} and variable {@code $} escaped.
   */
  static String word(String w) {
    String escaped = w.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%").replace("$", "$$");
    return "\"" + escaped + "\"";
  }
}
