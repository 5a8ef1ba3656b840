package io.chronik.control.db;

import io.chronik.control.host.Host;
import io.chronik.control.host.Shell;
import io.chronik.control.ssh.ExecResult;
import io.chronik.control.ssh.SshHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A broker's own wall clock, offset without touching the host's: on lab hosts (namespaces share this
 * machine's clock, so {@code date -s} would move every host and the control node) the broker runs
 * under libfaketime ({@code LD_PRELOAD}), which adds the offset written in {@code <home>/conf/faketime}
 * ({@code +137}, {@code -3600}: seconds) to every wall-clock read of the process.
 *
 * <p>Measured with a JDK 17 probe on this machine (docs/RUNS.md, "Clock faults"):
 * {@code System.currentTimeMillis()} and {@code Instant.now()} follow the file, and
 * {@code FAKETIME_DONT_FAKE_MONOTONIC=1} keeps {@code System.nanoTime()} real: without it nanoTime
 * jumps by the offset (backwards on a negative one), and every timed wait and timeout of the broker
 * with it. {@code FAKETIME_FORCE_MONOTONIC_FIX=0} is needed too: libfaketime's default wrapping of
 * {@code pthread_cond_timedwait} made the JVM's timed waits wake in a futex storm (138,563 futex calls
 * against 1,554 for the broker's {@code --help}, 11-16 s instead of 1.2-2 s; a lab broker did not
 * open its port within 60 s). libfaketime re-reads the file on a clock read only after its cache
 * expires, in whole seconds, so a strobe (flips every 50-200 ms) needs {@code FAKETIME_NO_CACHE=1};
 * with the fix off that costs no measurable time (a few hundred file opens in a 5 s probe).
 */
public final class FakeClock {
  /** Where Debian's {@code libfaketime} package puts the library (lab hosts share this file system). */
  public static final String LIBRARY = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
  /** The offset file, under the install dir's conf/ (written "+0" by every install). */
  static final String FILE = "faketime";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** A strobe loop ends by itself after this, so a heal that never came leaves no loop behind for long. */
  private static final long STROBE_LIMIT_SECONDS = 600;

  /** How often the broker re-reads its offset file. */
  public enum Refresh {
    /** At most once a second (libfaketime's cache of 1 s): skews and jumps. */
    SECOND,
    /** On every clock read (no cache): strobes, whose flips are shorter than a second. */
    EVERY_READ
  }

  private final SshHosts ssh;

  public FakeClock(SshHosts ssh) {
    this.ssh = ssh;
  }

  /** Why brokers cannot run under libfaketime on this machine (key=value), or null. */
  public static String problem() {
    return Files.exists(Path.of(LIBRARY)) ? null
        : "library=" + LIBRARY + " reason=libfaketime-missing install=\"apt-get install faketime\"";
  }

  /**
   * {@code spec} with its server started under libfaketime reading {@code <home>/conf/faketime}, which
   * every install writes as {@code +0} (the real clock until a fault writes an offset).
   */
  public static DbSpec wrap(DbSpec spec, Refresh refresh) {
    String cache = refresh == Refresh.EVERY_READ ? "FAKETIME_NO_CACHE=1" : "FAKETIME_CACHE_DURATION=1";
    String command = "env LD_PRELOAD=" + LIBRARY + " FAKETIME_TIMESTAMP_FILE=@HOME@/conf/" + FILE
        + " FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 " + cache + " " + spec.command();
    Map<String, String> conf = new HashMap<>(spec.configFiles());
    conf.put(FILE, "+0\n");
    return new DbSpec(spec.name(), spec.files(), command, spec.port(), conf, spec.hostVariables(), spec.packaged());
  }

  /** The text libfaketime reads for an offset of {@code seconds}: "+137", "-45", "+0". */
  public static String offset(long seconds) {
    return (seconds < 0 ? "-" : "+") + Math.abs(seconds);
  }

  /**
   * Stops the host's strobe loop if one runs, then sets its broker's offset; the rename makes each
   * write atomic, so libfaketime never reads a half-written file.
   */
  public String set(Host host, long seconds) {
    ExecResult r = ssh.exec(host, setCommand(host, seconds), TIMEOUT);
    if (!r.ok() || !r.stdout().strip().equals(offset(seconds))) {
      throw new DbException("host=" + host.name() + " offset=" + offset(seconds) + " reason=clock-file-not-written exit="
          + r.exitCode() + " read=" + r.stdout().strip() + " stderr=" + r.stderr().strip());
    }
    return "offset=" + offset(seconds);
  }

  /**
   * Starts a loop on the host that flips the broker's offset between {@code a} and {@code b} seconds
   * every {@code periodMillis} (its pid in {@code <home>/run/clock-strobe.pid}) until {@link #set};
   * returns its pid (key=value).
   */
  public String strobe(Host host, long a, long b, long periodMillis) {
    ExecResult r = ssh.exec(host, strobeCommand(host, a, b, periodMillis), TIMEOUT);
    if (!r.ok() || !r.stdout().strip().matches("\\d+")) {
      throw new DbException("host=" + host.name() + " reason=clock-strobe-not-started exit=" + r.exitCode()
          + " stderr=" + r.stderr().strip());
    }
    return "strobe-pid=" + r.stdout().strip();
  }

  /** Shell for {@link #set}: prints the offset the file holds afterwards. */
  static String setCommand(Host host, long seconds) {
    String file = file(host);
    return stopStrobe(host) + "printf '%s\\n' " + offset(seconds) + " > " + q(file + ".tmp") + " && mv "
        + q(file + ".tmp") + " " + q(file) + " && cat " + q(file);
  }

  /** Shell for {@link #strobe}: prints the loop's pid. */
  static String strobeCommand(Host host, long a, long b, long periodMillis) {
    String file = file(host);
    String sleep = String.format(java.util.Locale.ROOT, "%d.%03d", periodMillis / 1000, periodMillis % 1000);
    String write = "printf '%s\\n' \"$1\" > " + q(file + ".tmp") + " && mv " + q(file + ".tmp") + " " + q(file);
    String loop = "w() { " + write + "; }; end=$(( $(date +%s) + " + STROBE_LIMIT_SECONDS + " )); "
        + "while [ $(date +%s) -lt $end ]; do w " + offset(b) + "; sleep " + sleep + "; w " + offset(a) + "; sleep "
        + sleep + "; done";
    return stopStrobe(host) + "setsid nohup sh -c " + q(loop) + " >/dev/null 2>&1 </dev/null & "
        + "echo $! > " + q(pidFile(host)) + "; cat " + q(pidFile(host));
  }

  /**
   * Shell that kills the strobe loop whose pid the host's pid file names, only if that process is
   * still a shell running our loop (a recycled pid is never signalled), then removes the file. The
   * whole process group goes (the loop is its session leader, so its {@code mv} and {@code sleep}
   * too) and the loop is waited for until gone or a zombie (orphans are reaped by whatever init the
   * machine has, maybe never); then 50 ms more, so a {@code mv} of the loop that was mid-rename when
   * signalled has landed before the offset written next.
   */
  private static String stopStrobe(Host host) {
    // "kill -TERM -P" (a group), not "kill -TERM -- -P": dash, sh on Debian, takes no "--"
    String pid = q(pidFile(host));
    return "P=$(cat " + pid + " 2>/dev/null); if [ -n \"$P\" ] && tr '\\0' ' ' </proc/$P/cmdline 2>/dev/null | grep -qF "
        + q(FILE + ".tmp") + "; then kill -TERM -\"$P\"; i=0; while [ -r /proc/$P/stat ] && ! grep -q '^[0-9]* (.*) Z'"
        + " /proc/$P/stat && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.02; done; sleep 0.05; fi; rm -f " + pid + "; ";
  }

  private static String file(Host host) {
    return host.homeDir() + "/conf/" + FILE;
  }

  private static String pidFile(Host host) {
    return host.homeDir() + "/run/clock-strobe.pid";
  }

  private static String q(String s) {
    return Shell.quote(s);
  }
}
