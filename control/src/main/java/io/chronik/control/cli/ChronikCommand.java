package io.chronik.control.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code chronik} command line.
 *
 * <p>Subcommands live in the module that owns them (the checker in {@code verifier}, the broker in
 * {@code broker}, the lab here) and are found at run time through {@link ServiceLoader} as
 * {@code java.util.concurrent.Callable} services annotated with {@link Command}. That keeps the
 * dependency rule "nothing imports broker or control" true while one launcher serves every module.
 * Only commands that are on the class path, and therefore built, are listed.
 */
@Command(
    name = "chronik",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "Chronik: a Kafka-compatible broker replicated by Raft, and the tools that prove it safe.",
    subcommands = {VersionCommand.class})
public final class ChronikCommand implements Runnable {

  @Option(names = {"-v", "--verbose"}, description = "Log at DEBUG level (default: warnings only).")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; logging level is fixed before any logger exists. */
  public static int execute(String... args) {
    if (List.of(args).contains("-v") || List.of(args).contains("--verbose")) {
      System.setProperty("chronik.log.level", "DEBUG");
    }
    CommandLine cli = new CommandLine(new ChronikCommand());
    for (Object subcommand : discoveredSubcommands()) {
      cli.addSubcommand(subcommand);
    }
    return cli.execute(args);
  }

  @SuppressWarnings("rawtypes")
  static List<Object> discoveredSubcommands() {
    List<Object> found = new ArrayList<>();
    for (Callable candidate : ServiceLoader.load(Callable.class)) {
      if (candidate.getClass().isAnnotationPresent(Command.class)) {
        found.add(candidate);
      }
    }
    found.sort(Comparator.comparing(c -> c.getClass().getAnnotation(Command.class).name()));
    return found;
  }
}
