package io.chronik.control.lab;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/**
 * What integration tests need from the machine (root, network namespaces, sshd, a packaged broker).
 * On a developer's machine a missing prerequisite skips the test with the reason; in CI
 * ({@code CI=true}) it fails it, because a CI run that skips its privileged tests proves nothing.
 */
public final class Prerequisites {
  private Prerequisites() {}

  /** Whether this JVM runs in CI (the {@code CI} environment variable is {@code true}, as CI systems set it). */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (locally) or fails (in CI) the calling test unless {@code met}. */
  public static void require(boolean met, String reason) {
    require(met, reason, inCi());
  }

  static void require(boolean met, String reason, boolean ci) {
    if (met) {
      return;
    }
    if (ci) {
      fail("CI=true and a prerequisite is missing, refusing to skip: " + reason);
    }
    assumeTrue(false, reason);
  }

  /** Root, network namespaces and the lab's packages (sshd, iptables, iproute2). */
  public static void requireLab() {
    Optional<String> unavailable = LabPreflight.unavailableReason();
    require(unavailable.isEmpty(), "lab unavailable: " + unavailable.orElse(""));
  }
}
