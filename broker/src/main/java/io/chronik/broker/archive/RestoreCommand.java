package io.chronik.broker.archive;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chronik restore --from s3://bucket/prefix --data-dir D}: disaster recovery. Rebuilds one node's
 * data dir from the snapshot archive; run it once per node of the new cluster (same node ids), then start
 * the nodes. Every node restored from one archive gets the same committed logs.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Rebuild a node's empty data dir from the snapshot archive (every group's furthest archived "
        + "copy, checked against its manifest's SHA-256); prints per group the Raft indexes and Kafka offsets "
        + "restored.")
public final class RestoreCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "s3://BUCKET/PREFIX", description = "The archive (archive.s3.uri).")
  String from;

  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The node's data.dir; must be empty.")
  Path dataDir;

  @Option(names = "--endpoint", defaultValue = "", paramLabel = "URL",
      description = "Endpoint of an S3-compatible server (archive.s3.endpoint).")
  String endpoint;

  @Option(names = "--region", defaultValue = "us-east-1", paramLabel = "REGION", description = "Default ${DEFAULT-VALUE}.")
  String region;

  @Option(names = "--path-style", description = "Path-style bucket addressing (archive.s3.path.style).")
  boolean pathStyle;

  public RestoreCommand() {}

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ArchiveLocation location;
    try {
      location = ArchiveLocation.parse(from);
    } catch (IllegalArgumentException e) {
      System.err.println("chronik restore: " + e.getMessage());
      return 2;
    }
    try (ArchiveClient client = new ArchiveClient(location.bucket(), endpoint, region, pathStyle, Duration.ofMinutes(5))) {
      List<ArchiveRestore.Restored> groups = new ArchiveRestore(client, location).restore(dataDir, out);
      out.println("chronik restore: done groups=" + groups.size() + " dataDir=" + dataDir);
      return 0;
    } catch (ArchiveException | IOException e) {
      System.err.println("chronik restore: archive=" + location + " dataDir=" + dataDir + " " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      // the SDK's errors (bucket missing, server down, credentials) are unchecked
      System.err.println("chronik restore: archive=" + location + " reason=s3-failed error=" + e);
      return 1;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new RestoreCommand()).execute(args));
  }
}
