package io.chronik.verifier.linearizability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates Porcupine's reference histories without copying them into the repository: system property
 * {@code chronik.shared} or environment {@code CHRONIK_SHARED} (the shared/ folder), else
 * {@code /work/shared}, else {@code <repo root>/../shared} (CI clones with shared/ beside the repo).
 */
final class ReferenceHistories {
  private ReferenceHistories() {}

  static Path porcupine() {
    for (Path shared : candidates()) {
      Path p = shared.resolve("reference-histories/porcupine");
      if (Files.isRegularFile(p.resolve("expected-verdicts.tsv"))) {
        return p;
      }
    }
    throw new IllegalStateException("reason=reference-histories-not-found tried=" + java.util.List.of(candidates())
        + " hint=set CHRONIK_SHARED to the shared/ folder");
  }

  private static Path[] candidates() {
    String prop = System.getProperty("chronik.shared");
    String env = System.getenv("CHRONIK_SHARED");
    // Tests run with the module as working directory: the repo root is its parent.
    Path repoRoot = Paths.get("").toAbsolutePath().getParent();
    return java.util.stream.Stream.of(
            prop == null ? null : Paths.get(prop),
            env == null ? null : Paths.get(env),
            Paths.get("/work/shared"),
            repoRoot == null ? null : repoRoot.resolve("../shared").normalize(),
            Paths.get("").toAbsolutePath().resolve("../shared").normalize())
        .filter(java.util.Objects::nonNull).toArray(Path[]::new);
  }
}
