package io.chronik.broker;

import picocli.CommandLine;

/** Process entry point for a broker (used by tests and scripts): same options as {@code chronik broker}. */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new BrokerCommand()).execute(args));
  }
}
