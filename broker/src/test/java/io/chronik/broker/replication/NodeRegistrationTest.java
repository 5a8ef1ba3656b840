package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class NodeRegistrationTest {
  private final RegisteredNodes registered = new RegisteredNodes();
  private final List<MetadataCommand> toLeader = new ArrayList<>();
  private final List<MetadataCommand> toEveryPeer = new ArrayList<>();
  private final AtomicReference<List<Integer>> notApplying = new AtomicReference<>(List.of(0, 1));
  private final AtomicBoolean member = new AtomicBoolean(true);
  private final AtomicBoolean caughtUp = new AtomicBoolean(true);
  private final RegisteredNodes.Node self = new RegisteredNodes.Node(2, "127.0.0.1", 9092, 9093, Uuid.randomUuid());
  private final NodeRegistration registration = new NodeRegistration(self, registered, caughtUp::get, member::get,
      notApplying::get, toLeader::add, toEveryPeer::add);

  @Test
  void aMemberWaitsUntilEveryOtherMemberSaysItAppliesRegistrationsThenRegistersUntilItIsInTheImage() {
    registration.round();
    assertThat(toLeader).as("members 0 and 1 may be on the previous version").isEmpty();
    notApplying.set(List.of(1));
    registration.round();
    assertThat(toLeader).isEmpty();

    notApplying.set(List.of());
    registration.round();
    registration.round();
    assertThat(toLeader).as("sent again each round until applied").containsExactly(self.command(), self.command());

    registered.register(self.command());
    registration.round();
    assertThat(registration.registered()).isTrue();
    assertThat(toLeader).hasSize(2);
    assertThat(toEveryPeer).isEmpty();
  }

  @Test
  void aRegistrationAlreadyInTheImageEndsTheWaitSoAMemberThatDiedBeforeItsPingsArrivedBlocksNobody() {
    registration.round();
    assertThat(toLeader).isEmpty();
    // member 0 registered (so every node of the previous version stopped on that record already), then died
    // before its pings reached this node: they never will
    registered.register(new RegisteredNodes.Node(0, "127.0.0.1", 9192, 9193, Uuid.randomUuid()).command());
    registration.round();
    assertThat(toLeader).containsExactly(self.command());
  }

  @Test
  void aNodeRestoredFromTheArchiveTakesItsRegisteredIdentityInsteadOfRegisteringANewOne() {
    List<Uuid> adopted = new ArrayList<>();
    registration.adoptingRegistered(adopted::add);
    notApplying.set(List.of());
    caughtUp.set(false);
    registration.round();
    assertThat(adopted).as("the restored log is still being applied").isEmpty();
    assertThat(toLeader).isEmpty();

    RegisteredNodes.Node before = new RegisteredNodes.Node(2, "127.0.0.1", 9092, 9093, Uuid.randomUuid());
    registered.register(before.command()); // the restored log names this node's identity before the loss
    registration.round();
    assertThat(adopted).containsExactly(before.directoryId());
    assertThat(registration.registered()).as("nothing new to register").isTrue();
    caughtUp.set(true);
    registration.round();
    assertThat(adopted).as("once").hasSize(1);
    assertThat(toLeader).isEmpty();
    assertThat(toEveryPeer).isEmpty();
  }

  @Test
  void aRestoredNodeNeverRegisteredBeforeRegistersItsOwnIdentityOnceCaughtUp() {
    List<Uuid> adopted = new ArrayList<>();
    registration.adoptingRegistered(adopted::add);
    notApplying.set(List.of());
    registration.round();
    assertThat(adopted).isEmpty();
    assertThat(toLeader).containsExactly(self.command());
  }

  @Test
  void aNodeOutsideTheMetadataGroupAsksEveryPeerAtOnce() {
    member.set(false);
    registration.round();
    assertThat(toEveryPeer).containsExactly(self.command());
    assertThat(toLeader).isEmpty();
  }

  @Test
  void aRestartedNodeWhoseImageStaysBehindAsksEveryPeerEveryFewRoundsAsItMayHaveBeenUnregistered() {
    notApplying.set(List.of());
    registered.register(self.command()); // what its image held when it stopped
    caughtUp.set(false); // no leader sends it the log: it may have been unregistered meanwhile
    for (int round = 1; round < NodeRegistration.STALE_ASK_ROUNDS; round++) {
      registration.round();
    }
    assertThat(toEveryPeer).as("a normal restart catches up long before").isEmpty();
    registration.round();
    assertThat(toEveryPeer).containsExactly(self.command());
    assertThat(toLeader).isEmpty();

    caughtUp.set(true);
    for (int round = 0; round < 2 * NodeRegistration.STALE_ASK_ROUNDS; round++) {
      registration.round();
    }
    assertThat(toEveryPeer).as("caught up: its registration stands").hasSize(1);
  }

  @Test
  void aNewDataDirIncarnationRegistersAgain() {
    notApplying.set(List.of());
    registered.register(new RegisteredNodes.Node(2, "127.0.0.1", 9092, 9093, Uuid.randomUuid()).command());
    assertThat(registration.registered()).as("the image holds an earlier incarnation of this node").isFalse();
    registration.round();
    assertThat(toLeader).containsExactly(self.command());
  }
}
