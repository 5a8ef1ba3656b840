package io.chronik.control.workload.client;

import io.chronik.verifier.recorder.KafkaMicroOps;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A client process without Kafka for {@link ClientProcessTest}, speaking the wire as {@link ClientMain}
 * does: {@code hang} invokes a send and never completes it; {@code loop} sends (completed at once) until
 * told to stop; {@code garbage} writes a line that is not a report; {@code partial} invokes, then writes
 * half of its completion without the newline. All but {@code loop} then wait to be killed.
 */
public final class ScriptedClient {
  private ScriptedClient() {}

  public static void main(String[] args) throws Exception {
    PrintStream wire = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    WireChannel channel = new WireChannel(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
        wire);
    switch (args[0]) {
      case "hang" -> {
        channel.invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(1, 7)), Map.of());
        Thread.sleep(Long.MAX_VALUE);
      }
      case "loop" -> {
        for (long v = 0; channel.invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(0, v)), Map.of()); v++) {
          Thread.sleep(5);
          channel.ok(List.of(KafkaMicroOps.sent(0, v, v)));
        }
        System.exit(0);
      }
      case "garbage" -> {
        wire.println("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space");
        wire.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
      case "partial" -> {
        channel.invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(1, 7)), Map.of());
        wire.print("{:type :ok :f :send :value [[:send 1 [4");
        wire.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
      default -> System.exit(2);
    }
  }
}
