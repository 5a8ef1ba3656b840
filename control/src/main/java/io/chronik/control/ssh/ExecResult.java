package io.chronik.control.ssh;

/** What a remote command did. {@code exitCode} is -1 if the server reported none (killed by signal). */
public record ExecResult(String host, String command, int exitCode, String stdout, String stderr) {
  private static final int TAIL_CHARS = 600;

  public boolean ok() {
    return exitCode == 0;
  }

  public ExecResult orThrow() {
    if (exitCode != 0) {
      throw new RemoteCommandFailed(this);
    }
    return this;
  }

  static String tail(String text) {
    return text.length() <= TAIL_CHARS ? text : "…" + text.substring(text.length() - TAIL_CHARS);
  }
}
