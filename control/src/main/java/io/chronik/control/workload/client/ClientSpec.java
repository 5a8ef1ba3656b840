package io.chronik.control.workload.client;

import java.util.List;

/**
 * One workload client, whether a thread of the control node or its own process (then passed as
 * {@code key=value} arguments to {@link ClientMain}, its {@code role} saying which workload's client).
 */
public interface ClientSpec {
  /** Roles: the kafka workload's clients ({@link KafkaClientSpec}), the register workload's ({@link RegisterClientSpec}). */
  List<String> ROLES = List.of("producer", "consumer", RegisterClientSpec.ROLE);

  /** Its name in the run (p1, c1, r1, ...). */
  String name();

  /** The arguments {@link #parse} reads back. */
  List<String> args();

  /** {@code key=value} words for the client's log: what it does and where its values start. */
  String describe();

  /** Runs the client's operations through {@code channel} until it says stop. */
  void run(ClientChannel channel);

  /** Reads {@link #args} of any client; throws with {@code key=value} reasons on anything else. */
  static ClientSpec parse(String[] args) {
    String role = null;
    for (String arg : args) {
      if (arg.startsWith("role=")) {
        role = arg.substring("role=".length());
      }
    }
    if (role == null || !ROLES.contains(role)) {
      throw new IllegalArgumentException("role=" + role + " reason=unknown-or-missing known=" + ROLES);
    }
    return role.equals(RegisterClientSpec.ROLE) ? RegisterClientSpec.parse(args) : KafkaClientSpec.parse(args);
  }
}
