package io.chronik.control.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lab's record of what it created, one resource per line ({@code kind arg...}), written BEFORE
 * the resource is created. So a crash between the two leaves a line whose resource may not exist,
 * never a resource without a line: {@code lab down} undoes the lines in reverse and treats "already
 * gone" as done, which also makes it safe to run twice.
 */
public final class LabJournal {
  public static final String FILE = "created.journal";

  /** One created resource. */
  public record Entry(String kind, List<String> args) {
    public String arg(int i) {
      return args.get(i);
    }
  }

  private final Path file;

  public LabJournal(Path labDir) {
    this.file = labDir.resolve(FILE);
  }

  public boolean exists() {
    return Files.exists(file);
  }

  public void record(String kind, String... args) {
    String line = kind + (args.length == 0 ? "" : " " + String.join(" ", args)) + "\n";
    try {
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
          StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    } catch (IOException e) {
      throw new UncheckedIOException("journal=" + file + " reason=write-failed", e);
    }
  }

  public List<Entry> entries() {
    if (!exists()) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] parts = line.strip().split(" ");
        if (!parts[0].isEmpty()) {
          out.add(new Entry(parts[0], List.of(Arrays.copyOfRange(parts, 1, parts.length))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("journal=" + file + " reason=read-failed", e);
    }
    return out;
  }
}
