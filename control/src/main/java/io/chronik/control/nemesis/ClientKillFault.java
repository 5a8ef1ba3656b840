package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * kill -9 of workload client processes (never a polite close: the Kafka client gets no chance to
 * flush, leave its group or finish a request), each started again as a fresh process when healed.
 * The killed client's in-flight operation stays indeterminate ({@code :info}) and its restart is a
 * new Jepsen process; a killed consumer of a group makes the group rebalance. Registered as
 * {@code client-kill} (one client) and {@code client-kill-all} (every client at once). Runs wherever
 * the clients do: on the control node, for local, lab and VM runs alike.
 */
public final class ClientKillFault implements Fault {
  private final boolean all;

  private ClientKillFault(boolean all) {
    this.all = all;
  }

  /** One client, drawn from the seed. */
  public static ClientKillFault one() {
    return new ClientKillFault(false);
  }

  /** Every client process at once. */
  public static ClientKillFault every() {
    return new ClientKillFault(true);
  }

  @Override
  public String name() {
    return all ? "client-kill-all" : "client-kill";
  }

  @Override
  public String help() {
    return (all ? "every workload client process"
        : "one workload client process (producer, consumer or register client)")
        + ": kill -9, a fresh process started when healed (the workload's clients run as separate JVMs)";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LOCAL, Site.LAB, Site.VMS);
  }

  @Override
  public boolean needsClientProcesses() {
    return true;
  }

  @Override
  public String problem(Draw draw) {
    return draw.clients().isEmpty()
        ? "fault=" + name() + " reason=workload-without-client-processes"
        : null;
  }

  @Override
  public Injection pick(Draw draw) {
    return Injection.of(all ? draw.clients() : draw.shuffledClients().subList(0, 1));
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    List<String> done = new ArrayList<>();
    for (String client : injection.targets()) {
      done.add(bed.clients().kill(client));
    }
    return "killed=" + done;
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    List<String> done = new ArrayList<>();
    for (String client : injection.targets()) {
      done.add(bed.clients().start(client));
    }
    return "started=" + done;
  }
}
