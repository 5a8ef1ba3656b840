package io.chronik.raft.mutation;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A copy of a module's main sources with one {@link PlantedBug} applied, compiled with the JDK's
 * compiler into its own class directory. The repository is never touched.
 */
public final class MutantBuild {

  private MutantBuild() {}

  /** The source with the bug's snippet replaced; fails loudly unless the snippet occurs exactly once. */
  public static String apply(PlantedBug bug, String source) {
    int first = source.indexOf(bug.original());
    if (first < 0 || source.indexOf(bug.original(), first + 1) >= 0) {
      throw new IllegalStateException("bug=" + bug.name() + " file=" + bug.file() + " occurrences="
          + (first < 0 ? 0 : "2+") + " reason=snippet-not-found-exactly-once (the code moved: update the catalogue)");
    }
    return source.substring(0, first) + bug.replacement() + source.substring(first + bug.original().length());
  }

  /** Copies {@code tree} (a source root or a module directory, without target/) into {@code into}. */
  static void copyTree(Path tree, Path into) throws IOException {
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path rel = tree.relativize(p);
        if (rel.startsWith("target")) {
          continue;
        }
        Path dest = into.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
  }

  /** Applies the bug to the copy of a source root at {@code sources}. */
  static void plant(PlantedBug bug, Path sources) throws IOException {
    Path file = sources.resolve(bug.file());
    Files.writeString(file, apply(bug, Files.readString(file)));
  }

  /**
   * Copies the main sources, plants the bug, compiles them against {@code classPath} (what the module
   * depends on, never its own classes) into {@code work}/classes; returns that directory.
   */
  static Path compile(PlantedBug bug, Path mainSources, String classPath, Path work) throws IOException {
    Path sources = work.resolve("src");
    copyTree(mainSources, sources);
    plant(bug, sources);
    Path classes = Files.createDirectories(work.resolve("classes"));
    List<Path> javaFiles = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sources)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(javaFiles::add);
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager fm = compiler.getStandardFileManager(null, null, null)) {
      boolean ok = compiler.getTask(diagnostics, fm, null,
          List.of("--release", "17", "-proc:none", "-nowarn", "-cp", classPath, "-d", classes.toString()), null,
          fm.getJavaFileObjectsFromPaths(javaFiles)).call();
      if (!ok) {
        throw new IllegalStateException("bug=" + bug.name() + " reason=mutant-does-not-compile\n" + diagnostics);
      }
    }
    return classes;
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
