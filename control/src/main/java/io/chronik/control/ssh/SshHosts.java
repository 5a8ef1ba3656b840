package io.chronik.control.ssh;

import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.IOUtils;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.xfer.FileSystemFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSH to inventory hosts with sshj: one connection per host, reused across commands and reopened if
 * it dropped; every connection target passes the {@link AddressGuard} first. Connection failures are
 * retried ({@code connectAttempts}) and then reported as {@link HostUnreachable}; a command that runs
 * but fails is never retried here — the caller knows whether it is idempotent.
 *
 * <p>Host keys are verified against the host's known_hosts file (the lab writes its own).
 */
public final class SshHosts implements AutoCloseable {
  /** Output readers block until EOF; their own threads, since the common pool may have one worker. */
  private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "chronik-output-reader");
    t.setDaemon(true);
    return t;
  });
  private static final Logger LOG = LoggerFactory.getLogger(SshHosts.class);

  private final Inventory inventory;
  private final AddressGuard guard;
  private final Duration connectTimeout;
  private final int connectAttempts;
  private final Map<String, SSHClient> clients = new ConcurrentHashMap<>();

  public SshHosts(Inventory inventory, AddressGuard guard, Duration connectTimeout, int connectAttempts) {
    this.inventory = inventory;
    this.guard = guard;
    this.connectTimeout = connectTimeout;
    this.connectAttempts = connectAttempts;
  }

  public SshHosts(Inventory inventory, AddressGuard guard) {
    this(inventory, guard, Duration.ofSeconds(5), 3);
  }

  public Inventory inventory() {
    return inventory;
  }

  /** Runs {@code command} through the remote user's shell; returns whatever exit code it had. */
  public ExecResult exec(Host host, String command, Duration timeout) {
    SSHClient client = client(host);
    try (Session session = client.startSession()) {
      Session.Command cmd = session.exec(command);
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(cmd.getInputStream()), READERS);
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(cmd.getErrorStream()), READERS);
      try {
        cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ConnectionException e) {
        throw new RemoteCommandFailed("host=" + host.name() + " command=" + command + " reason=timeout timeout-ms="
            + timeout.toMillis());
      }
      Integer exit = cmd.getExitStatus();
      return new ExecResult(host.name(), command, exit == null ? -1 : exit,
          out.get(timeout.toMillis(), TimeUnit.MILLISECONDS), err.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (RemoteCommandFailed e) {
      throw e;
    } catch (TransportException | ConnectionException e) {
      forget(host);
      throw new HostUnreachable("host=" + host.name() + " command=" + command + " reason=connection-lost error=" + e, e);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new RemoteCommandFailed("host=" + host.name() + " command=" + command + " reason=" + e);
    }
  }

  /** Runs {@code command} and throws {@link RemoteCommandFailed} unless it exits 0. */
  public ExecResult run(Host host, String command, Duration timeout) {
    return exec(host, command, timeout).orThrow();
  }

  public ExecResult run(Host host, String command) {
    return run(host, command, Duration.ofSeconds(60));
  }

  /** Uploads a local file or directory to {@code remotePath} over SFTP. */
  public void upload(Host host, Path local, String remotePath) {
    try (SFTPClient sftp = client(host).newSFTPClient()) {
      sftp.put(new FileSystemFile(local.toFile()), remotePath);
    } catch (IOException e) {
      throw new RemoteCommandFailed("host=" + host.name() + " sftp=put local=" + local + " remote=" + remotePath
          + " error=" + e.getMessage());
    }
  }

  /** Writes {@code text} to {@code remotePath} over SFTP. */
  public void write(Host host, String text, String remotePath) {
    try {
      Path temp = Files.createTempFile("chronik-upload", ".tmp");
      try {
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        upload(host, temp, remotePath);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Downloads a remote file or directory to {@code local} over SFTP. */
  public void download(Host host, String remotePath, Path local) {
    try (SFTPClient sftp = client(host).newSFTPClient()) {
      sftp.get(remotePath, new FileSystemFile(local.toFile()));
    } catch (IOException e) {
      throw new RemoteCommandFailed("host=" + host.name() + " sftp=get remote=" + remotePath + " error=" + e.getMessage());
    }
  }

  private SSHClient client(Host host) {
    inventory.host(host.name());
    guard.check(host);
    SSHClient existing = clients.get(host.name());
    if (existing != null && existing.isConnected() && existing.isAuthenticated()) {
      return existing;
    }
    forget(host);
    SSHClient fresh = connect(host);
    clients.put(host.name(), fresh);
    return fresh;
  }

  private SSHClient connect(Host host) {
    IOException last = null;
    for (int attempt = 1; attempt <= connectAttempts; attempt++) {
      SSHClient ssh = new SSHClient();
      try {
        if (host.knownHosts().isPresent()) {
          ssh.loadKnownHosts(host.knownHosts().get().toFile());
        }
        ssh.setConnectTimeout((int) connectTimeout.toMillis());
        ssh.setTimeout((int) Duration.ofMinutes(2).toMillis());
        ssh.connect(host.address(), host.sshPort());
        if (host.privateKey().isPresent()) {
          ssh.authPublickey(host.user(), ssh.loadKeys(host.privateKey().get().toString()));
        } else {
          ssh.authPublickey(host.user());
        }
        return ssh;
      } catch (IOException e) {
        last = e;
        IOUtils.closeQuietly(ssh);
        LOG.info("host={} attempt={} reason=connect-failed error={}", host.name(), attempt, e.toString());
        backoff(attempt);
      }
    }
    throw new HostUnreachable("host=" + host.name() + " address=" + host.address().getHostAddress() + ":" + host.sshPort()
        + " attempts=" + connectAttempts + " error=" + last, last);
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(200L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forget(Host host) {
    SSHClient old = clients.remove(host.name());
    if (old != null) {
      IOUtils.closeQuietly(old);
    }
  }

  private static String read(InputStream in) {
    try {
      return IOUtils.readFully(in).toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    clients.values().forEach(IOUtils::closeQuietly);
    clients.clear();
  }
}
