package io.chronik.control.run;

import io.chronik.control.db.DbLifecycle;
import io.chronik.control.db.LazyDataDir;
import io.chronik.control.host.Host;
import io.chronik.control.host.HostFanOut;
import io.chronik.control.ssh.RemoteCommandFailed;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The brokers of a run on their hosts, driven only through the DB lifecycle (SSH): a fresh deploy
 * (stop whatever ran, upload, wipe data and logs, start all), health, log collection, stop.
 */
final class RemoteCluster {
  private final DbLifecycle db;
  private final List<Host> hosts;
  private final PrintStream console;
  private final Optional<LazyDataDir> lazy;

  RemoteCluster(DbLifecycle db, List<Host> hosts, PrintStream console) {
    this(db, hosts, console, Optional.empty());
  }

  /** With {@code lazy}, every data dir is a fresh lazy file system (mounted after the wipe, unmounted after the stop). */
  RemoteCluster(DbLifecycle db, List<Host> hosts, PrintStream console, Optional<LazyDataDir> lazy) {
    this.lazy = lazy;
    this.db = db;
    this.hosts = List.copyOf(hosts);
    this.console = console;
  }

  /**
   * Every host gets the distribution and an empty data directory; then all start and become healthy.
   * The hosts are prepared, started and awaited concurrently (each host's steps stay in order).
   */
  void deploy() {
    HostFanOut.each(hosts, "install", h -> {
      try {
        db.stop(h);
      } catch (RemoteCommandFailed e) {
        // Nothing installed there yet (e.g. no systemd unit): there is nothing to stop.
        console.printf("chronik test: host=%s stop-before-install=skipped reason=%s%n", h.name(), e.getMessage());
      }
      db.install(h);
      db.wipe(h);
      if (lazy.isPresent()) {
        lazy.get().mount(h);
      }
      console.printf("chronik test: host=%s installed%s%n", h.name(), lazy.isPresent() ? " data=lazyfs" : "");
    });
    HostFanOut.each(hosts, "start", h -> console.printf("chronik test: host=%s started pid=%d%n", h.name(), db.start(h)));
    awaitHealthy(Duration.ofSeconds(60));
  }

  void awaitHealthy(Duration timeout) {
    HostFanOut.each(hosts, "await-healthy", h -> {
      db.start(h); // a no-op where it runs; the final heal already started everything
      db.awaitHealthy(h, timeout);
    });
  }

  /** Downloads every node's logs into {@code dir/<host>/logs/}; a host that fails is reported, not fatal. */
  void collectLogs(Path dir) {
    HostFanOut.each(hosts, "collect-logs", h -> {
      try {
        db.collectLogs(h, dir);
      } catch (RuntimeException e) {
        console.printf("chronik test: host=%s logs=not-collected reason=%s%n", h.name(), e.getMessage());
      }
    });
  }

  /** Stops every broker; a run leaves no process of ours behind. */
  void stopAll() {
    HostFanOut.each(hosts, "stop", h -> {
      try {
        db.stop(h);
        db.teardown(h);
      } catch (RuntimeException e) {
        console.printf("chronik test: host=%s stop=failed reason=%s%n", h.name(), e.getMessage());
      }
      lazy.ifPresent(l -> l.unmount(h));
    });
  }
}
