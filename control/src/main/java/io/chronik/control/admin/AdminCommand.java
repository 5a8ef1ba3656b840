package io.chronik.control.admin;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chronik admin}: operator commands against any running cluster (docs/OPERATIONS.md). */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Operator commands against a running cluster (any cluster reachable over the Kafka protocol).",
    subcommands = {AdminCommand.Health.class, AdminCommand.SafeToStop.class, MembershipCommands.AddVoter.class,
        MembershipCommands.RemoveVoter.class, MembershipCommands.Decommission.class,
        MembershipCommands.Unregister.class})
public final class AdminCommand implements Callable<Integer> {
  static final int EXIT_UNHEALTHY = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_UNREACHABLE = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public AdminCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return EXIT_USAGE;
  }

  @Command(name = "health", mixinStandardHelpOptions = true,
      description = "Print nodes, controller, leaderless and under-replicated partitions; exit 0 when healthy, "
          + "1 while unhealthy.")
  public static final class Health implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]",
        description = "Any node(s) of the cluster (Kafka listener).")
    String bootstrap;

    @Option(names = "--watch", description = "Print a report every --interval seconds until interrupted.")
    boolean watch;

    @Option(names = "--exit-when-healthy", description = "Poll until healthy (exit 0) or --timeout passes (exit 1).")
    boolean exitWhenHealthy;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "S",
        description = "Seconds --exit-when-healthy waits (default 60).")
    long timeoutSeconds;

    @Option(names = "--interval", defaultValue = "2", paramLabel = "S",
        description = "Seconds between reports with --watch or --exit-when-healthy (default 2).")
    long intervalSeconds;

    @Option(names = "--request-timeout", defaultValue = "5", paramLabel = "S",
        description = "Seconds one look at the cluster may take (default 5).")
    long requestTimeoutSeconds;

    public Health() {}

    @Override
    public Integer call() throws InterruptedException {
      if (timeoutSeconds < 0 || intervalSeconds < 1 || requestTimeoutSeconds < 1) {
        System.err.println("chronik admin health: timeout=" + timeoutSeconds + " interval=" + intervalSeconds
            + " request-timeout=" + requestTimeoutSeconds + " reason=expected timeout>=0, interval>=1, request-timeout>=1");
        return EXIT_USAGE;
      }
      return run(System.out);
    }

    int run(PrintStream out) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
      try (HealthProbe probe = new HealthProbe(bootstrap, Duration.ofSeconds(requestTimeoutSeconds))) {
        while (true) {
          HealthReport report = probe.take();
          report.lines(20).forEach(out::println);
          out.flush();
          boolean again = watch || (exitWhenHealthy && !report.healthy() && System.nanoTime() < deadline);
          if (!again) {
            return report.healthy() ? 0 : EXIT_UNHEALTHY;
          }
          Thread.sleep(Duration.ofSeconds(intervalSeconds).toMillis());
        }
      }
    }
  }

  @Command(name = "safe-to-stop", mixinStandardHelpOptions = true,
      description = "Whether node N may stop now: every partition it replicates and the metadata group keep a "
          + "majority of their voters up without it. Exit 0 safe, 1 unsafe (each group that would lose its quorum "
          + "is named), 2 bad arguments or not a node of the cluster, 3 cluster unreachable. Use before stopping a "
          + "node by hand, e.g. `chronik admin safe-to-stop --node 2 --bootstrap H:9092 && systemctl stop chronik`.")
  public static final class SafeToStop implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]",
        description = "Any node(s) of the cluster (Kafka listener).")
    String bootstrap;

    @Option(names = "--node", required = true, paramLabel = "N", description = "The node to stop.")
    int node;

    @Option(names = "--request-timeout", defaultValue = "10", paramLabel = "S",
        description = "Seconds the look at the cluster may take (default 10).")
    long requestTimeoutSeconds;

    public SafeToStop() {}

    @Override
    public Integer call() {
      return run(System.out, System.err);
    }

    int run(PrintStream out, PrintStream err) {
      try (HealthProbe probe = new HealthProbe(bootstrap, Duration.ofSeconds(Math.max(1, requestTimeoutSeconds)))) {
        java.util.Optional<StopSafety> safety = probe.stopSafety(node);
        if (safety.isEmpty()) {
          err.println("chronik admin safe-to-stop: node=" + node + " reason=not-a-node-of-the-cluster bootstrap=" + bootstrap);
          return EXIT_USAGE;
        }
        safety.get().lines(20).forEach(out::println);
        out.flush();
        return safety.get().safe() ? 0 : EXIT_UNHEALTHY;
      } catch (IllegalStateException e) {
        err.println("chronik admin safe-to-stop: node=" + node + " bootstrap=" + bootstrap + " " + e.getMessage());
        return EXIT_UNREACHABLE;
      }
    }
  }
}
