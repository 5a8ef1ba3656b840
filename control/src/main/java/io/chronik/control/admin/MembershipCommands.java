package io.chronik.control.admin;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chronik admin add-voter / remove-voter / decommission / unregister --node N --bootstrap H:P}: the cluster's membership
 * (docs/MEMBERSHIP.md). Exit 0 done, 1 refused (the reason as {@code key=value} on stderr; a refused precondition
 * changes nothing), 3 cluster unreachable.
 */
public final class MembershipCommands {
  private MembershipCommands() {}

  /** What every membership command takes. */
  public abstract static class Base implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]",
        description = "Any node(s) of the cluster (Kafka listener).")
    String bootstrap;

    @Option(names = "--node", required = true, paramLabel = "N", description = "The node.")
    int node;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "S",
        description = "Seconds to wait for catch-up, moves and the voter change (default 120).")
    long timeoutSeconds;

    abstract String name();

    abstract void run(Membership membership) throws Exception;

    @Override
    public Integer call() {
      return run(System.out, System.err);
    }

    int run(PrintStream out, PrintStream err) {
      try (Membership m = new Membership(bootstrap, Duration.ofSeconds(Math.max(1, timeoutSeconds)), out)) {
        run(m);
        return 0;
      } catch (Membership.Refused e) {
        err.println("chronik admin " + name() + ": " + e.getMessage());
        return AdminCommand.EXIT_UNHEALTHY;
      } catch (ExecutionException e) {
        err.println("chronik admin " + name() + ": node=" + node + " reason=refused-by-cluster error="
            + e.getCause().getClass().getSimpleName() + " message=[" + e.getCause().getMessage() + "]");
        return AdminCommand.EXIT_UNHEALTHY;
      } catch (java.util.concurrent.TimeoutException | org.apache.kafka.common.KafkaException e) {
        err.println("chronik admin " + name() + ": bootstrap=" + bootstrap + " reason=unreachable cause=" + e);
        return AdminCommand.EXIT_UNREACHABLE;
      } catch (Exception e) {
        err.println("chronik admin " + name() + ": node=" + node + " reason=failed cause=" + e);
        return AdminCommand.EXIT_UNHEALTHY;
      }
    }
  }

  @Command(name = "add-voter", mixinStandardHelpOptions = true,
      description = "Make node N a voter of the metadata group (AddRaftVoter): it must run and observe the metadata "
          + "log (a node started with cluster.bootstrap does); waits until it caught up.")
  public static final class AddVoter extends Base {
    public AddVoter() {}

    @Override
    String name() {
      return "add-voter";
    }

    @Override
    void run(Membership m) throws Exception {
      m.addVoter(node);
    }
  }

  @Command(name = "remove-voter", mixinStandardHelpOptions = true,
      description = "Remove node N from the metadata group's voters (RemoveRaftVoter, joint consensus; a removed "
          + "leader hands off). Refused for the last voter.")
  public static final class RemoveVoter extends Base {
    public RemoveVoter() {}

    @Override
    String name() {
      return "remove-voter";
    }

    @Override
    void run(Membership m) throws Exception {
      m.removeVoter(node);
    }
  }

  @Command(name = "unregister", mixinStandardHelpOptions = true,
      description = "Take stopped node N out of the cluster for good (UnregisterBroker): no longer a metadata learner, "
          + "a peer, listed to clients or a place for new partitions. Refused while N runs, is a metadata voter or "
          + "holds a replica: decommission it and stop it first. Starting it again brings it back.")
  public static final class Unregister extends Base {
    public Unregister() {}

    @Override
    String name() {
      return "unregister";
    }

    @Override
    void run(Membership m) throws Exception {
      m.unregister(node);
    }
  }

  @Command(name = "decommission", mixinStandardHelpOptions = true,
      description = "Move every partition replica off node N (AlterPartitionReassignments), wait until done, then "
          + "remove it from the metadata voters. Refused before anything moves if a partition has no other node "
          + "to go to or N is the last metadata voter.")
  public static final class Decommission extends Base {
    public Decommission() {}

    @Override
    String name() {
      return "decommission";
    }

    @Override
    void run(Membership m) throws Exception {
      m.decommission(node);
    }
  }
}
