package io.chronik.broker.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chronik.broker.metrics.NodeMetrics;
import io.chronik.broker.replication.ReplicationSample;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admin HTTP port: {@code GET /metrics} (Prometheus text), {@code /health} (process up,
 * data dir writable, every partition it should host opened) and {@code /ready} (metadata leader known, every hosted partition has a leader,
 * no group catching up).
 * The JDK's own HTTP server: admin traffic is a scrape every few seconds, it parses and rejects
 * malformed HTTP itself, and it keeps this off the Kafka listener's Netty event loops. One thread, so
 * a slow scrape never runs twice at once. Answers are {@code key=value} text, never a stack trace.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private final NodeMetrics metrics;
  private final Path dataDir;

  private AdminServer(HttpServer server, ExecutorService executor, NodeMetrics metrics, Path dataDir) {
    this.server = server;
    this.executor = executor;
    this.metrics = metrics;
    this.dataDir = dataDir;
  }

  /**
   * Binds {@code host:port} (0 picks a free port) and serves.
   *
   * @throws BindException with a {@code key=admin.port} message when the port is taken
   */
  public static AdminServer start(String host, int port, NodeMetrics metrics, Path dataDir) throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (BindException e) {
      throw new BindException("key=admin.port value=" + port + " host=" + host + " reason=port-in-use"
          + " remedy=set admin.port to a free port (0 picks one)");
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "chronik-admin-http");
      t.setDaemon(true);
      return t;
    });
    AdminServer admin = new AdminServer(server, executor, metrics, dataDir);
    server.createContext("/", admin::handle);
    server.setExecutor(executor);
    server.start();
    LOG.info("admin listening address=http://{}:{}", host, admin.port());
    return admin;
  }

  public String host() {
    return server.getAddress().getHostString();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      if (!path.equals("/metrics") && !path.equals("/health") && !path.equals("/ready")) {
        reply(ex, 404, TEXT, "error=not-found path=" + printable(path) + " paths=/metrics,/health,/ready\n");
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(ex, 405, TEXT, "error=method-not-allowed method=" + printable(method) + " allowed=GET,HEAD\n");
        return;
      }
      switch (path) {
        case "/metrics" -> reply(ex, 200, PROMETHEUS_TEXT, metrics.scrape());
        case "/health" -> health(ex);
        default -> ready(ex);
      }
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("admin path={} reason=handler-failed error={}", ex.getRequestURI().getPath(), e.toString());
      try {
        reply(ex, 500, TEXT, "error=internal reason=" + printable(e.getClass().getSimpleName()) + "\n");
      } catch (IOException | RuntimeException ignored) {
        // headers already sent: the connection closes
      }
    }
  }

  private void health(HttpExchange ex) throws IOException {
    Path probe = dataDir.resolve(".health-probe");
    try {
      Files.write(probe, new byte[] {1}, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      Files.deleteIfExists(probe);
    } catch (IOException e) {
      reply(ex, 503, TEXT, "healthy=false reason=storage-not-writable dir=" + dataDir + " error="
          + printable(e.getClass().getSimpleName()) + "\n");
      return;
    }
    int openFailed = metrics.partitionsOpenFailed();
    if (openFailed > 0) {
      reply(ex, 503, TEXT, "healthy=false reason=partitions-open-failed count=" + openFailed + "\n");
      return;
    }
    reply(ex, 200, TEXT, "healthy=true\n");
  }

  private void ready(HttpExchange ex) throws IOException {
    ReplicationSample s = metrics.replicationSample();
    if (s == null) {
      reply(ex, 503, TEXT, "ready=false reason=starting\n");
      return;
    }
    String figures = " metadataLeader=" + s.metadataLeader() + " partitions=" + s.partitionsHosted() + " led="
        + s.partitionsLed() + " unavailable=" + s.unavailable() + " underReplicated=" + s.underReplicated()
        + " peersDown=" + s.peersDown() + " catchingUp=" + s.catchingUp() + " metadataCatchingUp="
        + s.metadataCatchingUp() + " rejoining=" + s.rejoining() + "\n";
    if (s.metadataLeader() < 0) {
      reply(ex, 503, TEXT, "ready=false reason=no-metadata-leader" + figures);
    } else if (s.unavailable() > 0) {
      reply(ex, 503, TEXT, "ready=false reason=partitions-without-leader" + figures);
    } else if (s.rejoining() > 0) {
      reply(ex, 503, TEXT, "ready=false reason=nodes-rejoining-after-disk-loss" + figures);
    } else if (!s.ready()) {
      reply(ex, 503, TEXT, "ready=false reason=catching-up" + figures);
    } else {
      reply(ex, 200, TEXT, "ready=true" + figures);
    }
  }

  private static void reply(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Echoed request text stays one short printable line. */
  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) : s;
    return cut.replaceAll("[^\\x21-\\x7e]", "?");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
