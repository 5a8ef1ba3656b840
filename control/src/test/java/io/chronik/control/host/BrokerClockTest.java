package io.chronik.control.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class BrokerClockTest {
  private static String date(long epochMillis) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC));
  }

  @Test
  void theDateHeaderMinusTheLocalClockRoundsToTheBrokersOffset() {
    long now = 1_796_526_288_052L;
    assertThat(BrokerClock.offset(date(now), now - 3, now + 3)).isZero();
    assertThat(BrokerClock.offset(date(now + 137_000), now - 40, now + 40)).isEqualTo(137);
    assertThat(BrokerClock.offset(date(now - 42_000), now, now + 120)).isEqualTo(-42);
    assertThat(BrokerClock.offset(date(now - 86_400_000), now, now)).isEqualTo(-86_400);
    // the header truncates to the second: a broker at x.999 reads as x, still within a second
    assertThat(BrokerClock.offset(date(now / 1000 * 1000 + 999), now / 1000 * 1000 + 999, now / 1000 * 1000 + 999))
        .isBetween(-1L, 0L);
  }
}
