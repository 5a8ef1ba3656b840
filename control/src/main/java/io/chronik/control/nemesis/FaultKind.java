package io.chronik.control.nemesis;

import java.util.Locale;

/** The faults a schedule can inject; names as on the command line ({@code --faults kill,pause}). */
public enum FaultKind {
  PARTITION, KILL, PAUSE, CORRUPT, DELAY, ROLLING_RESTART;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static FaultKind parse(String text) {
    for (FaultKind k : values()) {
      if (k.cliName().equals(text.strip())) {
        return k;
      }
    }
    throw new IllegalArgumentException("fault=" + text + " reason=unknown (partition,kill,pause,corrupt,delay,rolling-restart)");
  }
}
