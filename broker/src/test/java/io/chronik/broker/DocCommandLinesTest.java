package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.digest.LogDigestCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The broker module's half of the docs check (control's {@code DocCommandLinesTest} parses the rest): every
 * {@code ./chronik broker …} and {@code ./chronik log-digest …} and {@code ./chronik restore …} line in a code block of the README or docs/
 * parses against the command's options. Synopsis lines ({@code [--x]}, {@code <…>}, {@code DIR}) are skipped.
 */
class DocCommandLinesTest {

  @Test
  void everyDocumentedBrokerAndLogDigestLineParses() throws IOException {
    List<Path> files = new ArrayList<>(List.of(Path.of("..", "README.md")));
    try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (Path f : files) {
      boolean inBlock = false;
      for (String raw : Files.readAllLines(f)) {
        String s = raw.strip();
        if (s.startsWith("```")) {
          inBlock = !inBlock;
          continue;
        }
        int hash = s.indexOf(" #");
        String p = (hash >= 0 ? s.substring(0, hash) : s).strip();
        if (!inBlock || p.contains("[") || p.contains("<") || p.matches(".*\\b[A-Z]{2,}\\b.*")) {
          continue;
        }
        Callable<Integer> command = p.startsWith("./chronik broker ") ? new BrokerCommand()
            : p.startsWith("./chronik log-digest ") ? new LogDigestCommand()
            : p.startsWith("./chronik restore ") ? new io.chronik.broker.archive.RestoreCommand() : null;
        if (command == null) {
          continue;
        }
        String[] words = p.substring("./chronik ".length()).split("\\s+");
        try {
          new CommandLine(command).parseArgs(java.util.Arrays.copyOfRange(words, 1, words.length));
          checked++;
        } catch (CommandLine.ParameterException e) {
          failures.add(f.getFileName() + " `" + p + "`: " + e.getMessage());
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(checked).as("docs/BROKER.md shows how to start a broker").isGreaterThanOrEqualTo(2);
  }
}
