package io.chronik.control.lab;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PrerequisitesTest {
  @Test
  void aMissingPrerequisiteSkipsLocallyFailsInCiAndAMetOneDoesNeither() {
    assertThatThrownBy(() -> Prerequisites.require(false, "reason=not-root", false))
        .isInstanceOf(TestAbortedException.class).hasMessageContaining("reason=not-root");
    assertThatThrownBy(() -> Prerequisites.require(false, "reason=not-root", true))
        .isInstanceOf(AssertionFailedError.class).hasMessageContaining("CI=true").hasMessageContaining("reason=not-root");
    assertThatCode(() -> Prerequisites.require(true, "unused", true)).doesNotThrowAnyException();
  }
}
