package io.chronik.control.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code chronik version}: what was built, from which commit, running on which Java. */
@Command(name = "version", description = "Print the Chronik version, git commit and Java version.")
public final class VersionCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println(BuildInfo.describe());
    return 0;
  }
}
