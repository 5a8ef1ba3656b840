package io.chronik.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class ChronikCommandTest {

  private static String captureStdout(Runnable action) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void versionNamesVersionCommitAndJava() {
    int[] code = new int[1];
    String out = captureStdout(() -> code[0] = ChronikCommand.execute("version"));
    assertThat(code[0]).isZero();
    assertThat(out).contains("chronik ").contains("commit ").contains("java " + System.getProperty("java.version"));
  }

  @Test
  void helpListsEveryDiscoveredSubcommandAndNothingElse() {
    String out = captureStdout(() -> ChronikCommand.execute("--help"));
    assertThat(out).contains("version");
    for (Object subcommand : ChronikCommand.discoveredSubcommands()) {
      assertThat(out).contains(subcommand.getClass().getAnnotation(Command.class).name());
    }
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      assertThat(ChronikCommand.execute("no-such-command")).isEqualTo(2);
    } finally {
      System.setErr(originalErr);
    }
  }
}
