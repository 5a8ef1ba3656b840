package io.chronik.control.db;

import io.chronik.control.disk.DiskErrors;
import io.chronik.control.host.Host;
import io.chronik.control.host.Shell;
import io.chronik.control.ssh.ExecResult;
import io.chronik.control.ssh.SshHosts;
import java.time.Duration;

/**
 * A host's data dir on {@code chronik lazyfs} (the lose-unsynced fault): the file system runs as its
 * own process on the host ({@code <home>/run/lazyfs.pid}, log {@code <home>/logs/lazyfs.log}), serving
 * {@code <home>/lazyfs/live} at {@code <home>/data}; {@link #loseUnsynced} asks it for the power cut
 * through its request file and waits for its answer.
 *
 * <p>The file system's classes are started from {@code classPath}: on lab hosts, which share this
 * machine's file system, that is the control node's own class path (VMs would need them installed:
 * not done, so the fault runs on lab hosts only).
 */
public final class LazyDataDir {
  private static final String MAIN = "io.chronik.control.disk.LazyFsCommand";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final SshHosts ssh;
  private final String java;
  private final String classPath;

  public LazyDataDir(SshHosts ssh, String java, String classPath) {
    this.ssh = ssh;
    this.java = java;
    this.classPath = classPath;
  }

  /** Mounts an empty lazy file system at {@code <home>/data} (the broker must not run); waits until mounted. */
  public void mount(Host host) {
    unmount(host);
    String home = host.homeDir();
    String data = home + "/data";
    ExecResult r = ssh.exec(host, "cd " + q(home) + " && rm -rf lazyfs data && mkdir -p lazyfs/live lazyfs/state data logs run"
        // not "... && setsid nohup X &": that backgrounds the whole list in a subshell holding the SSH channel open
        + " || exit 1; setsid nohup " + q(java) + " -Xmx256m -XX:+UseSerialGC -cp " + q(classPath) + " " + MAIN
        + " --backing lazyfs/live --store lazyfs/state/store --mount " + q(data) + " >>logs/lazyfs.log 2>&1 </dev/null &"
        + " echo $! > " + q(home + "/run/lazyfs.pid") + "; i=0; until grep -q " + q(" " + data + " fuse") + " /proc/mounts"
        + " || [ $i -ge 400 ]; do i=$((i+1)); sleep 0.05; done; grep -q " + q(" " + data + " fuse") + " /proc/mounts",
        TIMEOUT);
    if (!r.ok()) {
      throw new DbException("host=" + host.name() + " reason=lazyfs-not-mounted log-tail="
          + ssh.exec(host, "tail -c 600 " + q(home + "/logs/lazyfs.log"), TIMEOUT).stdout().strip());
    }
  }

  /** The power cut of the (killed) node's data dir; returns the file system's answer (key=value). */
  public String loseUnsynced(Host host) {
    String state = host.homeDir() + "/lazyfs/state";
    ExecResult r = ssh.exec(host, "rm -f " + q(state + "/lose-unsynced.done") + " && touch " + q(state
        + "/lose-unsynced.request") + " && i=0; until [ -f " + q(state + "/lose-unsynced.done") + " ] || [ $i -ge 600 ];"
        + " do i=$((i+1)); sleep 0.05; done; cat " + q(state + "/lose-unsynced.done"), TIMEOUT);
    if (!r.ok()) {
      throw new DbException("host=" + host.name() + " reason=lazyfs-did-not-answer exit=" + r.exitCode());
    }
    return r.stdout().strip().replace(' ', ',');
  }

  /**
   * Switches the node's error injection ({@code eio}, {@code enospc}, {@code off}) through the request
   * file and waits for the file system's answer ({@code disk-errors=eio}); the broker may run.
   */
  public String diskErrors(Host host, DiskErrors mode) {
    String state = host.homeDir() + "/lazyfs/state";
    String done = state + "/disk-errors.done";
    ExecResult r = ssh.exec(host, "rm -f " + q(done) + " && printf '%s\\n' " + mode.word() + " > " + q(state
        + "/disk-errors.request.tmp") + " && mv " + q(state + "/disk-errors.request.tmp") + " " + q(state
        + "/disk-errors.request") + " && i=0; until [ -f " + q(done) + " ] || [ $i -ge 600 ]; do i=$((i+1)); sleep 0.05;"
        + " done; cat " + q(done), TIMEOUT);
    String answer = r.stdout().strip();
    if (!r.ok() || !answer.equals("disk-errors=" + mode.word())) {
      throw new DbException("host=" + host.name() + " disk-errors=" + mode.word() + " reason=lazyfs-did-not-switch exit="
          + r.exitCode() + " answer=" + answer.replace(' ', ','));
    }
    return answer;
  }

  /** Stops the file system (SIGTERM unmounts it) and lazily unmounts whatever is left; safe when none runs. */
  public void unmount(Host host) {
    String home = host.homeDir();
    String data = home + "/data";
    ssh.exec(host, "P=$(cat " + q(home + "/run/lazyfs.pid") + " 2>/dev/null); if [ -n \"$P\" ] && grep -q " + q(MAIN)
        + " /proc/$P/cmdline 2>/dev/null; then kill -TERM \"$P\"; i=0; while [ -d /proc/$P ] && [ $i -ge 0 ] && [ $i -lt 200 ];"
        + " do i=$((i+1)); sleep 0.05; done; [ -d /proc/$P ] && kill -KILL \"$P\"; fi; rm -f " + q(home + "/run/lazyfs.pid")
        + "; if grep -q " + q(" " + data + " fuse") + " /proc/mounts; then fusermount -u -z " + q(data) + "; fi; true",
        TIMEOUT);
  }

  private static String q(String s) {
    return Shell.quote(s);
  }
}
