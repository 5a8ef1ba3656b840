package io.chronik.broker;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.BrokerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chronik broker --config FILE [--set key=value]...}: runs a broker until killed. */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Run a single-node Kafka-compatible broker (see docs/BROKER.md for every key).")
public final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with broker settings.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting (repeatable).")
  List<String> overrides = new ArrayList<>();

  public BrokerCommand() {}

  @Override
  public Integer call() throws Exception {
    BrokerConfig cfg;
    try {
      cfg = BrokerConfig.parse(load());
    } catch (IllegalArgumentException e) {
      System.err.println("chronik broker: invalid configuration: " + e.getMessage());
      return 2;
    }
    Broker broker;
    try {
      broker = Broker.start(cfg);
    } catch (java.net.BindException e) {
      System.err.println("chronik broker: cannot start: " + e.getMessage());
      return 1;
    } catch (MetaProperties.MetaPropertiesException e) {
      System.err.println("chronik broker: cannot start: " + e.getMessage());
      return MetaProperties.MetaPropertiesException.EXIT_CODE;
    }
    // Test harnesses and scripts read the bound port from this line.
    System.out.println("chronik broker listening port=" + broker.port() + " transport=" + broker.transport()
        + " pid=" + ProcessHandle.current().pid()
        + (broker.adminPort() >= 0 ? " admin=" + broker.adminAddress() : ""));
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    long stopBoundMs = cfg.get(BrokerSettings.SHUTDOWN_TIMEOUT_MS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      watchdog(stopBoundMs).start();
      try {
        broker.shutdown();
      } catch (Exception e) {
        System.err.println("chronik broker: shutdown failed: " + e);
      } finally {
        stopped.countDown();
      }
    }, "chronik-broker-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * A stop that outlives its bound ends in {@code halt}: a shutdown hook cannot call exit, and a node
   * that never exits would hold up a rolling restart or systemd's stop. Safe, because every acknowledged
   * write is already fsynced.
   */
  private static Thread watchdog(long boundMs) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(boundMs);
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("chronik broker: shutdown took longer than shutdown.timeout.ms=" + boundMs + ", halting");
      Runtime.getRuntime().halt(3);
    }, "chronik-shutdown-watchdog");
    t.setDaemon(true);
    return t;
  }

  private Properties load() throws IOException {
    Properties props = new Properties();
    if (config != null) {
      try (InputStream in = Files.newInputStream(config)) {
        props.load(in);
      }
    }
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("key=" + o + " value= reason=expected --set key=value");
      }
      props.setProperty(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
    }
    return props;
  }
}
