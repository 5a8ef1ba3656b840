package io.chronik.control.workload.client;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A workload client as its own process, started by the control node with the control node's class
 * path: {@code java -cp … io.chronik.control.workload.client.ClientMain role=producer name=p1 …}
 * ({@link KafkaClientSpec#args}; a register client: {@code role=register …}, {@link RegisterClientSpec#args}).
 * It reports its operations on stdout ({@link ClientWire}) and takes {@code go}/{@code stop} on stdin.
 * Exit 0 after {@code stop} (or when stdin closes: the control node is gone), 2 on bad arguments, 1
 * when the client itself failed.
 */
public final class ClientMain {
  private ClientMain() {}

  public static void main(String[] args) {
    // stdout is the wire: everything else (Kafka's logging, stray prints) goes to stderr, the client's log
    PrintStream wire = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    ClientSpec spec;
    try {
      spec = ClientSpec.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("chronik client: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.err.printf("chronik client: name=%s %s pid=%d%n", spec.name(), spec.describe(),
        ProcessHandle.current().pid());
    BufferedReader replies = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    int exit = 0;
    try {
      spec.run(new WireChannel(replies, wire));
    } catch (RuntimeException e) {
      System.err.println("chronik client: name=" + spec.name() + " reason=failed error=" + e);
      e.printStackTrace(System.err);
      exit = 1;
    }
    System.err.printf("chronik client: name=%s exit=%d%n", spec.name(), exit);
    System.exit(exit); // Kafka's threads are not daemons
  }
}
