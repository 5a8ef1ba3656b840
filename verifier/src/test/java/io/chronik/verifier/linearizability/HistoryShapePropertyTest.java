package io.chronik.verifier.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.EdnHistoryWriter;
import io.chronik.verifier.history.History;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import io.chronik.verifier.history.Ratio;
import io.chronik.verifier.model.Model;
import io.chronik.verifier.model.ModelCatalog;
import io.chronik.verifier.report.Verdict;
import io.chronik.verifier.report.HistoryChecks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.printer.Printers;

/**
 * A history written one map per line and the same history pretty-printed as one vector (maps across
 * lines, comments, discarded forms) read back to the same ops and get the same verdict, on every
 * registered model, over random histories whose verdicts vary.
 */
class HistoryShapePropertyTest {
  static final long BASE_SEED = Long.getLong("chronik.seed", 20261204L);
  static final int HISTORIES_PER_MODEL = 40;

  private static Keyword kw(String s) {
    return Keyword.newKeyword(s);
  }

  private static OpType outcome(Random r) {
    int x = r.nextInt(10);
    return x < 7 ? OpType.OK : x < 9 ? OpType.INFO : OpType.FAIL;
  }

  private static long v(Random r) {
    return r.nextInt(3);
  }

  /** One random planned op in the model's vocabulary; outputs are random, so verdicts vary. */
  static final Map<String, Function<Random, HistoryGenerator.Planned>> OPS = Map.ofEntries(
      Map.entry("register", r -> r.nextBoolean()
          ? new HistoryGenerator.Planned(kw("read"), null, OpType.OK, r.nextInt(4) == 0 ? null : v(r))
          : new HistoryGenerator.Planned(kw("write"), v(r), outcome(r), v(r))),
      Map.entry("cas-register", r -> switch (r.nextInt(3)) {
        case 0 -> new HistoryGenerator.Planned(kw("read"), null, OpType.OK, v(r));
        case 1 -> new HistoryGenerator.Planned(kw("write"), v(r), outcome(r), null);
        default -> new HistoryGenerator.Planned(kw("cas"), List.of(v(r), v(r)), outcome(r), null);
      }),
      Map.entry("multi-register", r -> {
        Keyword k = r.nextBoolean() ? kw("x") : kw("y");
        List<Object> micro = r.nextBoolean() ? List.of(kw("read"), k, v(r)) : List.of(kw("write"), k, v(r));
        return new HistoryGenerator.Planned(kw("txn"), List.of(micro), outcome(r), List.of(micro));
      }),
      Map.entry("keyed-register", r -> {
        long k = r.nextInt(2);
        return r.nextBoolean()
            ? new HistoryGenerator.Planned(kw("read"), List.of(k, v(r)), OpType.OK, List.of(k, v(r)))
            : new HistoryGenerator.Planned(kw("write"), List.of(k, v(r)), outcome(r), List.of(k, v(r)));
      }),
      Map.entry("key-value", HistoryShapePropertyTest::keyValue),
      Map.entry("key-value-single", HistoryShapePropertyTest::keyValue),
      Map.entry("mutex", r -> new HistoryGenerator.Planned(r.nextBoolean() ? kw("acquire") : kw("release"), null,
          outcome(r), null)),
      Map.entry("set", r -> r.nextInt(3) > 0
          ? new HistoryGenerator.Planned(kw("add"), v(r), outcome(r), null)
          : new HistoryGenerator.Planned(kw("read"), null, OpType.OK, r.nextBoolean()
              ? java.util.Set.of(0L) : java.util.Set.of(0L, 1L))),
      Map.entry("unordered-queue", HistoryShapePropertyTest::queue),
      Map.entry("fifo-queue", HistoryShapePropertyTest::queue),
      Map.entry("log", r -> r.nextBoolean()
          ? (r.nextBoolean() ? new HistoryGenerator.Planned(kw("append"), v(r), OpType.INFO, null)
              : new HistoryGenerator.Planned(kw("append"), v(r), OpType.OK, (long) r.nextInt(2)))
          : new HistoryGenerator.Planned(kw("read"), java.util.Arrays.asList(0L, null), OpType.OK,
              r.nextBoolean() ? List.of() : List.of(v(r)))));

  private static HistoryGenerator.Planned keyValue(Random r) {
    String k = r.nextBoolean() ? "a" : "b";
    return switch (r.nextInt(3)) {
      case 0 -> new HistoryGenerator.Planned(kw("get"), java.util.Arrays.asList(k, null), OpType.OK,
          List.of(k, r.nextBoolean() ? "" : "x"));
      case 1 -> new HistoryGenerator.Planned(kw("put"), List.of(k, "x"), outcome(r), null);
      default -> new HistoryGenerator.Planned(kw("append"), List.of(k, "y"), outcome(r), null);
    };
  }

  private static HistoryGenerator.Planned queue(Random r) {
    return r.nextBoolean()
        ? new HistoryGenerator.Planned(kw("enqueue"), v(r), outcome(r), null)
        : new HistoryGenerator.Planned(kw("dequeue"), null, OpType.OK, v(r));
  }

  @Test
  void everyModelHasAGenerator() {
    assertThat(OPS.keySet()).containsExactlyInAnyOrderElementsOf(ModelCatalog.NAMES);
  }

  @Test
  void linePerOpAndPrettyVectorGiveIdenticalVerdictsOnEveryModel() throws Exception {
    for (ModelCatalog.Entry entry : ModelCatalog.ENTRIES) {
      int[] verdicts = new int[Verdict.values().length];
      for (int i = 0; i < HISTORIES_PER_MODEL; i++) {
        long seed = BASE_SEED + 1000L * entry.name().hashCode() + i;
        Random random = new Random(seed);
        List<HistoryGenerator.Planned> plan = new ArrayList<>();
        for (int n = 3 + random.nextInt(8); n > 0; n--) {
          plan.add(OPS.get(entry.name()).apply(random));
        }
        History h = HistoryGenerator.concurrent(plan, random, 25);
        History lines = EdnHistoryReader.parse(perLine(h));
        History vector = EdnHistoryReader.parse(prettyVector(h, random));
        assertThat(vector.ops()).as("seed=%d model=%s", seed, entry.name()).isEqualTo(lines.ops());
        Model<?, ?> model = ModelCatalog.byName(entry.name(), null);
        Verdict a = new LinearizabilityChecker().check(model, lines).verdict();
        Verdict b = new LinearizabilityChecker().check(model, vector).verdict();
        assertThat(b).as("seed=%d model=%s", seed, entry.name()).isEqualTo(a);
        verdicts[a.ordinal()]++;
      }
      assertThat(verdicts[Verdict.VALID.ordinal()]).as("valid histories for %s", entry.name()).isPositive();
    }
  }

  @Test
  void kafkaAndQueueFixturesPrettyPrintedAsVectorsKeepTheirVerdicts(@TempDir Path dir) throws Exception {
    Random random = new Random(BASE_SEED);
    for (String model : List.of("kafka", "queue")) {
      try (Stream<Path> files = Files.list(Path.of("..", "histories", "fixtures", model))) {
        for (Path file : files.filter(f -> !f.endsWith("expected.edn")).sorted().toList()) {
          Path vector = dir.resolve(model + "-" + file.getFileName());
          Files.writeString(vector, prettyVector(EdnHistoryReader.read(file), random));
          for (boolean finalReads : new boolean[] {false, true}) {
            PrintWriter out = new PrintWriter(Writer.nullWriter());
            assertThat(HistoryChecks.run(model, vector, null, finalReads, out)).as("%s final-reads=%s", file, finalReads)
                .isEqualTo(HistoryChecks.run(model, file, null, finalReads, out));
          }
        }
      }
    }
  }

  static String perLine(History h) throws Exception {
    StringWriter out = new StringWriter();
    try (EdnHistoryWriter w = new EdnHistoryWriter(out)) {
      for (Op op : h) {
        w.write(op);
      }
    }
    return out.toString();
  }

  /** The history as (clojure.pprint/pprint history) might print it, plus comments and #_ forms. */
  static String prettyVector(History h, Random random) {
    StringBuilder b = new StringBuilder(";; pretty-printed\n[");
    for (Op op : h) {
      if (random.nextInt(5) == 0) {
        b.append(" ; op ").append(op.index()).append('\n');
      }
      if (random.nextInt(7) == 0) {
        b.append(" #_{:index -1 :type :invoke}\n");
      }
      b.append("{");
      boolean first = true;
      for (Map.Entry<Keyword, Object> e : EdnHistoryWriter.toMap(op).entrySet()) {
        b.append(first ? "" : ",\n  ").append(e.getKey()).append(' ')
            .append(Printers.printString(Ratio.PRINTERS, e.getValue()).strip());
        first = false;
      }
      b.append("}\n ");
    }
    return b.append("]\n").toString();
  }
}
