package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.db.FakeClock;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ClockFaultTest {
  private static final List<String> THREE = List.of("n1", "n2", "n3");

  private static Draw draw(long seed) {
    return new Draw(THREE, new Random(seed), List.of());
  }

  @Test
  void skewDrawsOneNodeAndASeededOffsetOfOneToThreeHundredSecondsEitherWay() {
    ClockSkewFault skew = new ClockSkewFault();
    boolean ahead = false;
    boolean behind = false;
    for (long seed = 0; seed < 200; seed++) {
      Injection i = skew.pick(draw(seed));
      assertThat(i.targets()).hasSize(1).isSubsetOf(THREE);
      long s = ClockSkewFault.offsetOf(i);
      assertThat(Math.abs(s)).isBetween(1L, 300L);
      ahead |= s > 0;
      behind |= s < 0;
      assertThat(skew.pick(draw(seed))).as("a seed replays node and offset").isEqualTo(i);
    }
    assertThat(ahead && behind).isTrue();
    assertThat(skew.name()).isEqualTo("clock-skew");
    assertThat(skew.sites()).containsExactly(Site.LAB);
    assertThat(skew.fakeClock()).contains(FakeClock.Refresh.SECOND);
    assertThat(skew.byDefault() || skew.needsLazyDataDir()).isFalse();
    assertThat(skew.chronikOnlyBecause()).as("any JVM broker runs under libfaketime").isNull();
  }

  @Test
  void skewSetsTheOffsetOnItsNodeRecordsItAndHealSetsPlusZero() {
    RecordingTestbed bed = new RecordingTestbed();
    Injection i = new Injection(List.of("n2"), "offset=-137", List.of());
    assertThat(i.edn().toString()).contains("n2").contains("offset=-137");
    ClockSkewFault skew = new ClockSkewFault();
    assertThat(skew.start(i, bed)).isEqualTo("clock-offset=-137 nodes=[n2] applied=[n2: offset=-137]");
    assertThat(skew.heal(i, bed)).isEqualTo("clock-offset=+0 nodes=[n2] applied=[n2: offset=0]");
    assertThat(bed.calls).containsExactly("clock-offset n2 -137", "clock-offset n2 0");
  }

  @Test
  void jumpIsOneStepOfTenMinutesToADayEitherWayAndHealStepsBack() {
    ClockJumpFault jump = new ClockJumpFault();
    boolean ahead = false;
    boolean behind = false;
    for (long seed = 0; seed < 200; seed++) {
      Injection i = jump.pick(draw(seed));
      assertThat(i.targets()).hasSize(1).isSubsetOf(THREE);
      long s = ClockSkewFault.offsetOf(i);
      assertThat(Math.abs(s)).isBetween(600L, 86_400L);
      ahead |= s > 0;
      behind |= s < 0;
    }
    assertThat(ahead && behind).isTrue();
    RecordingTestbed bed = new RecordingTestbed();
    Injection i = new Injection(List.of("n3"), "offset=+7200", List.of());
    assertThat(jump.start(i, bed)).isEqualTo("clock-jump=+7200 nodes=[n3] applied=[n3: offset=7200]");
    assertThat(jump.heal(i, bed)).isEqualTo("clock-jump=+0 nodes=[n3] applied=[n3: offset=0]");
    assertThat(bed.calls).containsExactly("clock-offset n3 7200", "clock-offset n3 0");
    assertThat(jump.name()).isEqualTo("clock-jump");
    assertThat(jump.fakeClock()).contains(FakeClock.Refresh.SECOND);
  }

  @Test
  void strobeDrawsAnOffsetAndAPeriodStartsALoopAndHealStopsItWithPlusZero() {
    ClockStrobeFault strobe = new ClockStrobeFault();
    Pattern shape = Pattern.compile("offsets=\\+0/([+-]\\d+) period-ms=(\\d+)");
    for (long seed = 0; seed < 200; seed++) {
      Injection i = strobe.pick(draw(seed));
      Matcher m = shape.matcher(i.shape());
      assertThat(m.matches()).as("shape %s", i.shape()).isTrue();
      assertThat(Math.abs(Long.parseLong(m.group(1).replace("+", "")))).isBetween(1L, 300L);
      assertThat(Long.parseLong(m.group(2))).isBetween(50L, 200L);
    }
    RecordingTestbed bed = new RecordingTestbed();
    Injection i = new Injection(List.of("n1"), "offsets=+0/-42 period-ms=120", List.of());
    assertThat(strobe.start(i, bed)).isEqualTo("clock-strobe=+0/-42 period-ms=120 nodes=[n1] applied=[n1: strobe-pid=42]");
    assertThat(strobe.heal(i, bed)).isEqualTo("clock-strobe=stopped clock-offset=+0 nodes=[n1] applied=[n1: offset=0]");
    assertThat(bed.calls).containsExactly("clock-strobe n1 0/-42 every 120", "clock-offset n1 0");
    assertThat(strobe.fakeClock()).as("flips shorter than libfaketime's 1 s cache").contains(FakeClock.Refresh.EVERY_READ);
    assertThat(strobe.sites()).containsExactly(Site.LAB);
  }

  @Test
  void clockFaultsAreRegisteredLabOnlyAndNotDefaults() {
    for (String name : List.of("clock-skew", "clock-jump", "clock-strobe")) {
      assertThat(FaultRegistry.find(name)).isPresent();
      assertThat(FaultRegistry.names(Site.LAB)).contains(name);
      assertThat(FaultRegistry.names(Site.VMS)).doesNotContain(name);
      assertThat(FaultRegistry.defaults(Site.LAB)).doesNotContain(name);
    }
    assertThat(FaultRegistry.problem(List.of("clock-skew"), Site.LOCAL)).contains("reason=not-available-here");
  }
}
