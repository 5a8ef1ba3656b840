package io.chronik.control.replicas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's digest of its Raft logs, parsed from the {@code key=value} lines {@code chronik log-digest}
 * prints (the broker's tool; the control node only reads its output, it never imports the broker).
 */
public record ReplicaDigest(Map<String, Group> groups) {

  /** One group directory: where its log starts and ends, its persisted commit, its blocks and listed entries. */
  public record Group(String dir, long first, long last, long commit, String end, Map<Long, Block> blocksByFrom,
      Map<Long, Entry> entries) {}

  /** A block's digest over indexes {@code from..to}. */
  public record Block(long from, long to, String digest) {}

  /** One listed entry: its term and frame CRC (the CRC covers key, kind and payload). */
  public record Entry(long index, long term, String crc) {
    @Override
    public String toString() {
      return "term=" + term + " crc=" + crc;
    }
  }

  /** Parses the tool's output; a line that is not one of its kinds is refused with the line. */
  public static ReplicaDigest parse(String text) {
    Map<String, Group> groups = new LinkedHashMap<>();
    for (String line : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      int space = line.indexOf(' ');
      String kind = space < 0 ? line : line.substring(0, space);
      Map<String, String> f = fields(line);
      switch (kind) {
        case "group" -> groups.put(f.get("dir"), new Group(f.get("dir"), num(f, "first", line), num(f, "last", line),
            num(f, "commit", line), f.getOrDefault("end", ""), new TreeMap<>(), new TreeMap<>()));
        case "block" -> group(groups, f, line).blocksByFrom().put(num(f, "from", line),
            new Block(num(f, "from", line), num(f, "to", line), f.get("digest")));
        case "entry" -> group(groups, f, line).entries().put(num(f, "index", line),
            new Entry(num(f, "index", line), num(f, "term", line), f.get("crc")));
        default -> throw new IllegalArgumentException("line=" + line + " reason=not-a-log-digest-line");
      }
    }
    return new ReplicaDigest(groups);
  }

  private static Group group(Map<String, Group> groups, Map<String, String> f, String line) {
    Group g = groups.get(f.get("dir"));
    if (g == null) {
      throw new IllegalArgumentException("line=" + line + " reason=no-group-line-before-it");
    }
    return g;
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> f = new HashMap<>();
    List<String> words = new ArrayList<>(List.of(line.split(" ")));
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq > 0) {
        f.put(w.substring(0, eq), w.substring(eq + 1));
      }
    }
    return f;
  }

  private static long num(Map<String, String> f, String key, String line) {
    String v = f.get(key);
    if (v == null) {
      throw new IllegalArgumentException("line=" + line + " reason=missing-field field=" + key);
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line=" + line + " reason=not-a-number field=" + key);
    }
  }
}
