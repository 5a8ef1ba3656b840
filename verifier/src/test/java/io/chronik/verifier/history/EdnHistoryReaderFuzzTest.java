package io.chronik.verifier.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chronik.verifier.linearizability.LinearizabilityChecker;
import io.chronik.verifier.model.ModelCatalog;
import io.chronik.verifier.model.ModelException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Whatever the bytes, reading and checking a history ends in a result or in a clear error: the
 * reader's {@link HistoryException} names line and column, pairing's names the op index, the
 * model's {@link ModelException} names the op index. Never another exception, never a hang.
 */
class EdnHistoryReaderFuzzTest {
  static final long BASE_SEED = Long.getLong("chronik.seed", 20261204L);
  static final String EDN_CHARS = "{}[]()#_\"\\:;, \n\t^'`~@0123456789-+./NMabcdefnilrueos?!*&%$<>=";

  @Test
  void randomBytesGiveAResultOrAPositionedError() {
    for (int i = 0; i < 2000; i++) {
      long seed = BASE_SEED + i;
      Random r = new Random(seed);
      byte[] bytes = new byte[r.nextInt(300)];
      if (r.nextBoolean()) {
        r.nextBytes(bytes);
      } else {
        for (int k = 0; k < bytes.length; k++) {
          bytes[k] = (byte) EDN_CHARS.charAt(r.nextInt(EDN_CHARS.length()));
        }
      }
      readAndCheck(bytes, seed);
    }
  }

  @Test
  void mutatedValidHistoriesGiveAResultOrAPositionedError() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (String dir : List.of("shapes", "kafka", "queue")) {
      try (Stream<Path> files = Files.list(Path.of("..", "histories", "fixtures", dir))) {
        for (Path f : files.sorted().toList()) {
          seeds.add(Files.readAllBytes(f));
        }
      }
    }
    for (int i = 0; i < 2000; i++) {
      long seed = BASE_SEED + i;
      Random r = new Random(seed);
      byte[] text = seeds.get(r.nextInt(seeds.size())).clone();
      for (int m = 1 + r.nextInt(4); m > 0 && text.length > 0; m--) {
        text = mutate(text, r);
      }
      readAndCheck(text, seed);
    }
  }

  private static byte[] mutate(byte[] text, Random r) {
    int at = r.nextInt(text.length);
    String s = new String(text, StandardCharsets.ISO_8859_1);
    String out = switch (r.nextInt(5)) {
      case 0 -> s.substring(0, at) + s.substring(Math.min(s.length(), at + 1 + r.nextInt(8)));
      case 1 -> s.substring(0, at) + EDN_CHARS.charAt(r.nextInt(EDN_CHARS.length())) + s.substring(at);
      case 2 -> s.substring(0, at);
      case 3 -> s.substring(0, at) + s.substring(r.nextInt(s.length()));
      default -> s.substring(0, at) + (char) r.nextInt(256) + s.substring(at);
    };
    return out.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void readAndCheck(byte[] bytes, long seed) {
    List<Op> ops;
    try (EdnHistoryReader reader = new EdnHistoryReader(new InputStreamReader(new ByteArrayInputStream(bytes),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)), "<fuzz>")) {
      ops = reader.readAll();
    } catch (HistoryException e) {
      assertThat(e.getMessage()).as("seed=%d", seed).contains("file=<fuzz> line=").contains(" column=")
          .contains(" reason=");
      return;
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("seed=" + seed + " reading threw " + e, e);
    }
    try {
      History h = History.of(ops);
      new LinearizabilityChecker().check(ModelCatalog.byName("register", null), h);
    } catch (HistoryException | ModelException e) {
      assertThat(e.getMessage()).as("seed=%d", seed).contains("index=").contains("reason=");
    } catch (RuntimeException e) {
      fail("seed=" + seed + " checking threw " + e, e);
    }
  }
}
