package io.chronik.control.host;

/** POSIX shell quoting for commands we build and send to hosts. */
public final class Shell {
  private Shell() {}

  /** Single-quotes {@code word} so that a POSIX shell passes it through unchanged. */
  public static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
