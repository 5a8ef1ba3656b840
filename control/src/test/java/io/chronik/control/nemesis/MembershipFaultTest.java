package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MembershipFaultTest {
  private static final List<String> FOUR = List.of("n1", "n2", "n3", "n4");

  private static MembershipFault fault() {
    return new MembershipFault(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  private static RecordingTestbed bed(FakeClusterMembers members) {
    RecordingTestbed bed = new RecordingTestbed();
    bed.members = members;
    return bed;
  }

  @Test
  void startMovesEveryPartitionThenRemovesAndAddsBackAVoterAndHealMovesTheReplicasBack() {
    FakeClusterMembers members = new FakeClusterMembers(3, FOUR);
    members.pollsPerMove = 2;
    members.observerLag = 2;
    members.addVoterRefusals = 1;
    Map<Integer, List<String>> before = members.replicas();
    RecordingTestbed bed = bed(members);
    MembershipFault fault = fault();
    Injection picked = fault.pick(new Draw(FOUR, new Random(5), List.of()));
    Injection injection = fault.resolve(picked, bed);
    MembershipPlan plan = MembershipPlan.parse(injection.shape());
    assertThat(plan.moves()).hasSize(3);
    assertThat(plan.voter()).isNotEmpty().isNotEqualTo("n1");
    assertThat(injection.targets()).isEqualTo(plan.nodes());

    String started = fault.start(injection, bed);
    String voter = plan.voter();
    assertThat(members.calls).containsExactly("move " + MembershipPlan.assignmentText(plan.assignment(true)),
        "remove-voter " + voter + " dir-" + voter, "add-voter " + voter + " dir-" + voter,
        "add-voter " + voter + " dir-" + voter);
    assertThat(members.replicas()).isEqualTo(plan.assignment(true));
    assertThat(started).isEqualTo("moved=" + MembershipPlan.assignmentText(plan.assignment(true)) + " voter-removed="
        + voter + " voter-added=" + voter + " voters=[n1, n2, n3, n4]");
    assertThat(bed.calls).as("no process or network fault").isEmpty();

    members.calls.clear();
    String healed = fault.heal(injection, bed);
    assertThat(members.calls).containsExactly("move " + MembershipPlan.assignmentText(before));
    assertThat(members.replicas()).isEqualTo(before);
    assertThat(healed).isEqualTo("moved-back=[p0, p1, p2] voter=" + voter + ":still-a-voter replicas="
        + MembershipPlan.assignmentText(before) + " voters=[n1, n2, n3, n4]");
  }

  @Test
  void healAddsBackAVoterTheStartLeftOutAndMovesBackOnlyWhatMoved() {
    FakeClusterMembers members = new FakeClusterMembers(2, FOUR);
    RecordingTestbed bed = bed(members);
    MembershipFault fault = fault();
    Injection injection = fault.resolve(fault.pick(new Draw(FOUR, new Random(1), List.of())), bed);
    MembershipPlan plan = MembershipPlan.parse(injection.shape());
    // as if the start moved p0 only and removed the voter, then ran out of time
    MembershipPlan.Move p0 = plan.moves().get(0);
    members.replicas.put(p0.partition(), p0.to());
    members.removeVoter(plan.voter(), "dir-" + plan.voter());
    members.calls.clear();
    String healed = fault.heal(injection, bed);
    assertThat(members.calls).containsExactly("move p" + p0.partition() + ":" + String.join(",", p0.from()),
        "add-voter " + plan.voter() + " dir-" + plan.voter());
    assertThat(healed).startsWith("moved-back=[p" + p0.partition() + "] voter=" + plan.voter() + ":added-back")
        .endsWith("voters=[n1, n2, n3, n4]");
  }

  @Test
  void healReadsTheReplicasBackUntilALaggingBrokerHasAppliedTheMoveBack() {
    FakeClusterMembers members = new FakeClusterMembers(3, FOUR);
    RecordingTestbed bed = bed(members);
    MembershipFault fault = fault();
    Map<Integer, List<String>> before = members.replicas();
    Injection injection = fault.resolve(fault.pick(new Draw(FOUR, new Random(4), List.of())), bed);
    fault.start(injection, bed);
    members.staleReads = 3;
    String healed = fault.heal(injection, bed);
    assertThat(healed).endsWith(" replicas=" + MembershipPlan.assignmentText(before) + " voters=[n1, n2, n3, n4]");
  }

  @Test
  void aMoveThatDoesNotFinishFailsTheStartWithWhatItWaitedFor() {
    FakeClusterMembers members = new FakeClusterMembers(1, FOUR);
    members.movesNeverFinish = true;
    RecordingTestbed bed = bed(members);
    MembershipFault fault = new MembershipFault(Duration.ofMillis(300), Duration.ofMillis(300));
    Injection injection = fault.resolve(fault.pick(new Draw(FOUR, new Random(2), List.of())), bed);
    assertThatThrownBy(() -> fault.start(injection, bed)).hasMessageContaining("step=[move p0:")
        .hasMessageContaining("reason=not-done-in-time waited-ms=300");
    assertThat(members.calls).as("asked once, not again on every poll").hasSize(1);
  }

  @Test
  void onThreeNodesOnlyTheVoterChangesAndTheValueSaysWhy() {
    List<String> three = List.of("n1", "n2", "n3");
    FakeClusterMembers members = new FakeClusterMembers(3, three);
    RecordingTestbed bed = bed(members);
    MembershipFault fault = fault();
    assertThat(fault.problem(new Draw(three, new Random(1), List.of()))).isNull();
    assertThat(fault.problem(new Draw(List.of("n1", "n2"), new Random(1), List.of())))
        .contains("reason=needs-at-least-3-nodes");
    Injection injection = fault.resolve(fault.pick(new Draw(three, new Random(3), List.of())), bed);
    String started = fault.start(injection, bed);
    assertThat(started).startsWith("moves=none voter-removed=").endsWith("moves-skipped=needs-4-nodes");
    assertThat(members.calls).noneMatch(c -> c.startsWith("move"));
  }

  @Test
  void aTestbedWithoutClusterAdminFailsTheResolveAndTheHealHasNothingToDo() {
    MembershipFault fault = fault();
    Injection picked = fault.pick(new Draw(FOUR, new Random(1), List.of()));
    assertThatThrownBy(() -> fault.resolve(picked, new RecordingTestbed()))
        .hasMessageContaining("reason=no-cluster-admin-here");
    assertThat(fault.heal(picked, new RecordingTestbed())).startsWith("nothing-to-heal");
  }

  @Test
  void itIsChronikOnlyAndRunsOnHostsOnly() {
    MembershipFault fault = fault();
    assertThat(fault.chronikOnlyBecause()).isNotBlank();
    assertThat(fault.sites()).containsExactlyInAnyOrder(Site.LAB, Site.VMS);
    assertThat(FaultRegistry.find("membership")).isPresent();
  }
}
