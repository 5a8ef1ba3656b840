package io.chronik.control.host;

/** How a host runs the broker: a systemd unit (real VMs) or a pid-file daemon (lab hosts). */
public enum ServiceManager {
  SYSTEMD,
  PIDFILE;

  static ServiceManager parse(String text) {
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "systemd" -> SYSTEMD;
      case "pidfile" -> PIDFILE;
      default -> throw new IllegalArgumentException("service=" + text + " reason=expected-systemd-or-pidfile");
    };
  }
}
