package io.chronik.control.ssh;

/** A command ran on a host and failed (non-zero exit or timeout); the message carries host, command, exit and stderr tail. */
public final class RemoteCommandFailed extends RuntimeException {
  private final ExecResult result;

  public RemoteCommandFailed(ExecResult result) {
    super("host=" + result.host() + " command=" + result.command() + " exit=" + result.exitCode()
        + " stderr=" + ExecResult.tail(result.stderr().strip()));
    this.result = result;
  }

  public RemoteCommandFailed(String message) {
    super(message);
    this.result = null;
  }

  /** The failed result, or null for a timeout (no exit code). */
  public ExecResult result() {
    return result;
  }
}
