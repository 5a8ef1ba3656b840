package io.chronik.broker;

import picocli.CommandLine;

/** Process entry point for a broker (used by tests and scripts): same options as {@code chronik broker}. */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) {
    // a server logs its start, stop and periodic metrics; the shared logback.xml defaults to WARN for CLIs
    if (System.getProperty("chronik.log.level") == null) {
      System.setProperty("chronik.log.level", "INFO");
    }
    System.exit(new CommandLine(new BrokerCommand()).execute(args));
  }
}
