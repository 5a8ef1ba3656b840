package io.chronik.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code ./chronik …} line a reader may copy from a code block of the README or docs/ still parses
 * against today's command line (options, values, subcommands), so the docs cannot drift from the code.
 * Synopsis lines ({@code [--x]}, {@code <…>}, {@code FILE}) are not commands and are skipped; {@code chronik
 * broker}, {@code log-digest} and {@code restore} (archive restore) belong to the broker module, whose own test parses them.
 */
class DocCommandLinesTest {
  private static final Set<String> BROKER_MODULE_COMMANDS = Set.of("broker", "log-digest", "restore");

  record Line(String where, List<String> args) {}

  static List<Line> commandLines() throws IOException {
    List<Path> files = new ArrayList<>(List.of(Path.of("..", "README.md")));
    try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<Line> lines = new ArrayList<>();
    for (Path f : files) {
      boolean inBlock = false;
      List<String> text = Files.readAllLines(f);
      for (int i = 0; i < text.size(); i++) {
        String s = text.get(i).strip();
        if (s.startsWith("```")) {
          inBlock = !inBlock;
          continue;
        }
        if (!inBlock) {
          continue;
        }
        int hash = s.indexOf(" #");
        String command = hash >= 0 ? s.substring(0, hash).strip() : s;
        for (String part : command.split("&&")) {
          String p = part.strip().replaceFirst("^sudo\\s+", "");
          if (!p.startsWith("./chronik ") || p.contains("[") || p.contains("<") || p.matches(".*\\b[A-Z]{2,}\\b.*")) {
            continue;
          }
          List<String> words = List.of(p.substring("./chronik ".length()).strip().split("\\s+"));
          lines.add(new Line(f.getFileName() + ":" + (i + 1), words));
        }
      }
    }
    return lines;
  }

  @Test
  void everyDocumentedCommandLineParses() throws IOException {
    List<Line> lines = commandLines();
    assertThat(lines).as("the README and docs hold command lines to check").hasSizeGreaterThan(30);
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (Line line : lines) {
      if (BROKER_MODULE_COMMANDS.contains(line.args().get(0))) {
        continue;
      }
      CommandLine cli = new CommandLine(new ChronikCommand());
      ChronikCommand.discoveredSubcommands().forEach(cli::addSubcommand);
      try {
        cli.parseArgs(line.args().toArray(String[]::new));
        checked++;
      } catch (CommandLine.ParameterException e) {
        failures.add(line.where() + " `" + String.join(" ", line.args()) + "`: " + e.getMessage());
      }
    }
    assertThat(failures).as("documented command lines that no longer parse").isEmpty();
    assertThat(checked).isGreaterThan(30);
  }

  @Test
  void aLineWithAnUnknownOptionIsCaught() {
    CommandLine cli = new CommandLine(new ChronikCommand());
    ChronikCommand.discoveredSubcommands().forEach(cli::addSubcommand);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cli.parseArgs("test", "--no-such-option", "1"))
        .isInstanceOf(CommandLine.ParameterException.class);
  }
}
