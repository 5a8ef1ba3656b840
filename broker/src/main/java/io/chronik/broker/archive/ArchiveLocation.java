package io.chronik.broker.archive;

import java.net.URI;

/**
 * Where the archive lives: {@code s3://bucket/prefix}. Every object of one cluster's archive sits under
 * the prefix: {@code <prefix>/node-<id>/<group dir>/manifest} and the objects that manifest names.
 */
public record ArchiveLocation(String bucket, String prefix) {
  public ArchiveLocation {
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("archive bucket=" + bucket + " reason=empty");
    }
    prefix = prefix.replaceAll("^/+|/+$", "");
  }

  /** Parses {@code s3://bucket[/prefix]}. */
  public static ArchiveLocation parse(String uri) {
    URI u;
    try {
      u = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("archive=" + uri + " reason=not-a-uri expected=s3://bucket/prefix", e);
    }
    if (!"s3".equals(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException("archive=" + uri + " reason=expected-s3://bucket/prefix");
    }
    return new ArchiveLocation(u.getHost(), u.getPath() == null ? "" : u.getPath());
  }

  /** The key of {@code name} under the prefix. */
  public String key(String name) {
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** The folder of one node's copy of one group: {@code <prefix>/node-<id>/<groupDir>/}. */
  public String groupFolder(int nodeId, String groupDir) {
    return key("node-" + nodeId + "/" + groupDir + "/");
  }

  @Override
  public String toString() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }
}
