package io.chronik.raft.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.node.ProposeResult;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden interaction tests in etcd's datadriven style: each file under
 * {@code src/test/resources/golden/} is a script of commands, each followed by {@code ----} and the
 * expected output. Run with {@code -Dgolden.rewrite=true} to regenerate outputs after an intended
 * change, then review the diff.
 *
 * <p>Commands: {@code cluster ids=1,2,3 voters=1,2,3 [prevote=false] [checkquorum=false]},
 * {@code campaign N} (tick N until it leaves follower), {@code tick N [count]}, {@code stabilize},
 * {@code process-ready}, {@code deliver [from=N] [to=N] [type=T]}, {@code drop [to=N]},
 * {@code propose N text}, {@code isolate N}, {@code heal}, {@code status}, {@code log},
 * {@code transfer N to}, {@code conf N voters=.. [learners=..]}, {@code read N ctx},
 * {@code restart N}.
 */
class GoldenInteractionTest {

  static final Path DIR = Path.of("src/test/resources/golden");

  @TestFactory
  Stream<DynamicTest> goldenFiles() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().collect(Collectors.toList());
    }
    assertThat(files).isNotEmpty();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runFile(f)));
  }

  private void runFile(Path file) throws Exception {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<String[]> cases = parse(text);
    StringBuilder rewritten = new StringBuilder();
    InteractionCluster cluster = null;
    for (String[] c : cases) {
      String command = c[0];
      StringBuilder out = new StringBuilder();
      if (command.startsWith("#") || command.isBlank()) {
        rewritten.append(command).append('\n');
        continue;
      }
      String[] w = command.trim().split("\\s+");
      if (w[0].equals("cluster")) {
        cluster = newCluster(w);
      } else {
        run(cluster, w, out);
      }
      String actual = out.toString();
      rewritten.append(command).append("\n----\n").append(actual).append('\n');
      if (!Boolean.getBoolean("golden.rewrite")) {
        assertThat(actual).as("file=%s command=%s", file.getFileName(), command).isEqualTo(c[1]);
      }
    }
    if (Boolean.getBoolean("golden.rewrite")) {
      Files.writeString(file, rewritten.toString(), StandardCharsets.UTF_8);
    }
  }

  /** Splits into (command, expected output) pairs; comment lines become commands without output. */
  private static List<String[]> parse(String text) {
    List<String[]> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      String line = lines[i++];
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        out.add(new String[] {line, ""});
        continue;
      }
      StringBuilder expected = new StringBuilder();
      if (i < lines.length && lines[i].equals("----")) {
        i++;
        while (i < lines.length && !lines[i].isEmpty()) {
          expected.append(lines[i++]).append('\n');
        }
      }
      out.add(new String[] {line, expected.toString()});
    }
    return out;
  }

  private static TreeMap<String, String> args(String[] w) {
    TreeMap<String, String> a = new TreeMap<>();
    for (String s : w) {
      int eq = s.indexOf('=');
      if (eq > 0) {
        a.put(s.substring(0, eq), s.substring(eq + 1));
      }
    }
    return a;
  }

  private static List<Integer> ids(String csv) {
    if (csv == null || csv.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(csv.split(",")).map(Integer::parseInt).collect(Collectors.toList());
  }

  private static InteractionCluster newCluster(String[] w) {
    TreeMap<String, String> a = args(w);
    RaftOptions o = RaftOptions.defaults()
        .withPreVote(!"false".equals(a.get("prevote")))
        .withCheckQuorum(!"false".equals(a.get("checkquorum")));
    List<Integer> all = ids(a.get("ids"));
    return new InteractionCluster(all, a.containsKey("voters") ? ids(a.get("voters")) : all, o);
  }

  private static void run(InteractionCluster c, String[] w, StringBuilder out) {
    TreeMap<String, String> a = args(w);
    switch (w[0]) {
      case "campaign": {
        int id = Integer.parseInt(w[1]);
        int ticks = 0;
        while (c.node(id).role() == Role.FOLLOWER && ticks < 1000) {
          c.node(id).tick();
          ticks++;
        }
        out.append("  ").append(c.status(id)).append('\n');
        break;
      }
      case "tick": {
        int id = Integer.parseInt(w[1]);
        int n = w.length > 2 ? Integer.parseInt(w[2]) : 1;
        for (int i = 0; i < n; i++) {
          c.node(id).tick();
        }
        out.append("  ").append(c.status(id)).append('\n');
        break;
      }
      case "stabilize":
        c.stabilize(out);
        break;
      case "process-ready":
        c.processReadys(out);
        break;
      case "deliver":
        c.deliver(out, m -> (!a.containsKey("from") || m.from() == Integer.parseInt(a.get("from")))
            && (!a.containsKey("to") || m.to() == Integer.parseInt(a.get("to")))
            && (!a.containsKey("type") || m.type().name().equals(a.get("type"))));
        break;
      case "drop":
        c.network.removeIf(m -> {
          boolean drop = !a.containsKey("to") || m.to() == Integer.parseInt(a.get("to"));
          if (drop) {
            out.append("  dropped ").append(m).append('\n');
          }
          return drop;
        });
        break;
      case "propose": {
        int id = Integer.parseInt(w[1]);
        ProposeResult result = c.node(id).propose(w[2].getBytes(StandardCharsets.UTF_8));
        out.append("  ").append(result.isAccepted() ? "index=" + result.firstIndex() : "refused").append('\n');
        break;
      }
      case "isolate":
        c.isolated.add(Integer.parseInt(w[1]));
        break;
      case "heal":
        c.isolated.clear();
        break;
      case "status":
        c.nodes.keySet().forEach(id -> out.append("  ").append(c.status(id)).append('\n'));
        break;
      case "log":
        c.nodes.keySet().forEach(id -> out.append("  ").append(c.log(id)).append('\n'));
        break;
      case "transfer":
        c.node(Integer.parseInt(w[1])).transferLeadership(Integer.parseInt(w[2]));
        break;
      case "conf": {
        boolean ok = c.node(Integer.parseInt(w[1])).proposeConfiguration(
            new TreeSet<>(ids(a.get("voters"))), new TreeSet<>(ids(a.get("learners"))));
        out.append("  ").append(ok ? "accepted" : "refused").append('\n');
        break;
      }
      case "read": {
        boolean ok = c.node(Integer.parseInt(w[1])).readIndex(Long.parseLong(w[2]));
        out.append("  ").append(ok ? "pending" : "refused").append('\n');
        break;
      }
      case "restart":
        c.start(Integer.parseInt(w[1]));
        out.append("  ").append(c.status(Integer.parseInt(w[1]))).append('\n');
        break;
      default:
        throw new IllegalArgumentException("command=" + w[0] + " reason=unknown-command");
    }
  }
}
