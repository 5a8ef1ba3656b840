package io.chronik.broker.digest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chronik log-digest --data-dir D}: prints the digest of a node's Raft logs (see {@link LogDigest})
 * without changing anything, so it is safe on a running or a stopped node. The control node runs it
 * over SSH on every host after the final heal and compares the replicas.
 */
@Command(name = "log-digest", mixinStandardHelpOptions = true,
    description = "Print a read-only digest of a broker data directory's Raft logs (per group: first/last/commit "
        + "index, SHA-256 per block of entries; entries of a range on request).")
public final class LogDigestCommand implements Callable<Integer> {

  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The broker's data.dir.")
  Path dataDir;

  @Option(names = "--block-entries", paramLabel = "N", defaultValue = "1024",
      description = "Entries per digest block (default ${DEFAULT-VALUE}).")
  int blockEntries;

  @Option(names = "--entries", paramLabel = "DIR:FROM-TO", description = "Also list every entry of this range (repeatable).")
  List<String> entries = new ArrayList<>();

  public LogDigestCommand() {}

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try {
      List<LogDigest.EntryRange> ranges = entries.stream().map(LogDigest.EntryRange::parse).toList();
      new LogDigest(blockEntries).print(dataDir.resolve("raft"), ranges, out);
      out.flush();
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("chronik log-digest: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      out.flush();
      System.err.println("chronik log-digest: dataDir=" + dataDir + " reason=" + e);
      return 1;
    }
  }

  /** Entry point on hosts that have only the broker's jars (the control node runs it over SSH). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new LogDigestCommand()).execute(args));
  }
}
