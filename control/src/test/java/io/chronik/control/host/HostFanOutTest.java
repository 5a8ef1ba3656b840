package io.chronik.control.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostFanOutTest {
  private static Host host(String name, int last) throws Exception {
    return new Host(name, (Inet4Address) InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last}), "root", 22,
        Optional.empty(), Optional.empty(), false, ServiceManager.PIDFILE, "/tmp/" + name, Optional.empty());
  }

  @Test
  void everyHostsStepRunsAtTheSameTime() throws Exception {
    List<Host> hosts = List.of(host("n1", 11), host("n2", 12), host("n3", 13));
    CountDownLatch allInside = new CountDownLatch(hosts.size());
    Set<String> done = ConcurrentHashMap.newKeySet();
    HostFanOut.each(hosts, "meet", h -> {
      allInside.countDown();
      try {
        // one after another, the first step would wait here for ever for the other two
        assertThat(allInside.await(10, TimeUnit.SECONDS)).as("all three steps inside at once").isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      done.add(h.name());
    });
    assertThat(done).containsExactlyInAnyOrder("n1", "n2", "n3");
  }

  @Test
  void aFailingHostDoesNotStopTheOthersAndTheFirstFailureInHostOrderIsThrownWithTheRestSuppressed() throws Exception {
    List<Host> hosts = List.of(host("n1", 11), host("n2", 12), host("n3", 13));
    Set<String> done = ConcurrentHashMap.newKeySet();
    assertThatThrownBy(() -> HostFanOut.each(hosts, "install", h -> {
      if (!h.name().equals("n2")) {
        throw new IllegalStateException("host=" + h.name() + " reason=unreachable");
      }
      done.add(h.name());
    })).hasMessage("host=n1 reason=unreachable")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
            .containsExactly("host=n3 reason=unreachable"));
    assertThat(done).containsExactly("n2");
  }
}
