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
    // its own file name, so it never competes with the CLI's logback.xml on a shared class path
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "chronik-broker-logback.xml");
    }
    System.exit(new CommandLine(new BrokerCommand()).execute(args));
  }
}
