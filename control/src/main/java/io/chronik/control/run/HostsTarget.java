package io.chronik.control.run;

import java.nio.file.Path;

/**
 * Where {@code chronik test --hosts} runs: {@code lab:N} (the first N hosts of the local lab, which
 * must be up) or {@code inventory:FILE} (real machines listed in an inventory file).
 */
public record HostsTarget(boolean lab, int nodes, Path inventoryFile) {

  public static HostsTarget parse(String text) {
    if (text.startsWith("lab:")) {
      int n;
      try {
        n = Integer.parseInt(text.substring(4));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("hosts=" + text + " reason=expected lab:N");
      }
      if (n < 1 || n > HostCluster.NODES_MAX) {
        throw new IllegalArgumentException("hosts=" + text + " reason=nodes-out-of-range 1.." + HostCluster.NODES_MAX);
      }
      return new HostsTarget(true, n, null);
    }
    if (text.startsWith("inventory:") && text.length() > "inventory:".length()) {
      return new HostsTarget(false, 0, Path.of(text.substring("inventory:".length())));
    }
    throw new IllegalArgumentException("hosts=" + text + " reason=expected lab:N or inventory:FILE");
  }

  @Override
  public String toString() {
    return lab ? "lab:" + nodes : "inventory:" + inventoryFile;
  }
}
