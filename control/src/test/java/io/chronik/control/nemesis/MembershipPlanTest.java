package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.control.nemesis.ClusterMembers.Member;
import io.chronik.control.nemesis.ClusterMembers.Quorum;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MembershipPlanTest {
  private static final List<String> FOUR = List.of("n1", "n2", "n3", "n4");

  private static Quorum quorum(String leader, String... voters) {
    return new Quorum(leader, java.util.Arrays.stream(voters).map(v -> new Member(v, "dir-" + v, 5)).toList(),
        List.of(), 5);
  }

  @Test
  void everyPartitionMovesOneReplicaToTheNodeOutsideItsReplicasKeepingThePosition() {
    Map<Integer, List<String>> replicas = Map.of(0, List.of("n1", "n2", "n3"), 1, List.of("n2", "n3", "n4"),
        2, List.of("n3", "n4", "n1"));
    MembershipPlan plan = MembershipPlan.draw(replicas, quorum("n1", "n1", "n2", "n3", "n4"), FOUR);
    assertThat(plan.moves()).hasSize(3);
    for (MembershipPlan.Move m : plan.moves()) {
      List<String> from = replicas.get(m.partition());
      assertThat(m.from()).isEqualTo(from);
      assertThat(m.to()).hasSize(3).doesNotHaveDuplicates().contains(m.joining()).doesNotContain(m.leaving());
      assertThat(from).doesNotContain(m.joining()).contains(m.leaving());
      int at = from.indexOf(m.leaving());
      assertThat(m.to().get(at)).as("the new replica takes the leaving one's position").isEqualTo(m.joining());
    }
    // order n1..n4 (shift 0): p0 gives up position 0, p1 position 1, p2 position 2
    assertThat(plan.text()).startsWith("moves=p0:n1,n2,n3->n4,n2,n3;p1:n2,n3,n4->n2,n1,n4;p2:n3,n4,n1->n3,n4,n2");
  }

  @Test
  void withAsManyPartitionsAsReplicasEveryPositionLeavesOnceSoThePreferredLeaderMovesInEveryInjection() {
    Map<Integer, List<String>> replicas = Map.of(0, List.of("n1", "n2", "n3"), 1, List.of("n2", "n3", "n4"),
        2, List.of("n3", "n4", "n1"));
    for (long seed = 0; seed < 20; seed++) {
      List<String> order = new Draw(FOUR, new java.util.Random(seed), List.of()).shuffled();
      MembershipPlan plan = MembershipPlan.draw(replicas, quorum("n1", "n1", "n2", "n3", "n4"), order);
      assertThat(plan.moves().stream().map(m -> m.from().indexOf(m.leaving())).toList())
          .as("positions given up, order %s", order).containsExactlyInAnyOrder(0, 1, 2);
    }
  }

  @Test
  void theVoterRemovedIsTheFirstDrawnVoterThatDoesNotLeadAndHasADirectoryId() {
    Quorum q = new Quorum("n3", List.of(new Member("n1", "", 5), new Member("n2", "d2", 5),
        new Member("n3", "d3", 5)), List.of(), 5);
    MembershipPlan plan = MembershipPlan.draw(Map.of(), q, List.of("n3", "n1", "n2"));
    assertThat(plan.voter()).as("n3 leads, n1's directory id is unknown").isEqualTo("n2");
    assertThat(MembershipPlan.draw(Map.of(), quorum("n1", "n1", "n2", "n3"), List.of("n2", "n1", "n3")).voter())
        .isEqualTo("n2");
  }

  @Test
  void threeNodesMoveNothingAndSaySoButStillChangeAVoter() {
    MembershipPlan plan = MembershipPlan.draw(Map.of(0, List.of("n1", "n2", "n3")), quorum("n1", "n1", "n2", "n3"),
        List.of("n1", "n2", "n3"));
    assertThat(plan.moves()).isEmpty();
    assertThat(plan.voter()).isEqualTo("n2");
    assertThat(plan.text()).isEqualTo("moves=none voter=n2 moves-skipped=needs-4-nodes");
    assertThat(plan.nodes()).containsExactly("n2");
  }

  @Test
  void aLoneVoterOrOnlyTheLeaderIsNeverRemoved() {
    MembershipPlan lone = MembershipPlan.draw(Map.of(), quorum("n1", "n1"), FOUR);
    assertThat(lone.voter()).isEmpty();
    assertThat(lone.text()).contains("voter=none").contains("voter-skipped=no-removable-voter voters=[n1] leader=n1");
  }

  @Test
  void theTextReadsBackAsTheSamePlan() {
    MembershipPlan plan = MembershipPlan.draw(Map.of(0, List.of("n1", "n2", "n3"), 1, List.of("n4", "n1", "n2")),
        quorum("n4", "n1", "n2", "n3", "n4"), List.of("n2", "n4", "n3", "n1"));
    MembershipPlan read = MembershipPlan.parse(plan.text());
    assertThat(read).isEqualTo(plan);
    assertThat(read.assignment(false)).isEqualTo(Map.of(0, List.of("n1", "n2", "n3"), 1, List.of("n4", "n1", "n2")));
    assertThat(MembershipPlan.parse("moves=none voter=none").moves()).isEmpty();
  }

  @Test
  void malformedTextIsRefusedWithKeyValue() {
    assertThatThrownBy(() -> MembershipPlan.parse("")).hasMessageContaining("reason=expected-moves=...-voter=...");
    assertThatThrownBy(() -> MembershipPlan.parse("moves=0:n1->n2 voter=none"))
        .hasMessageContaining("move=0:n1->n2").hasMessageContaining("reason=expected-pN:from->to");
    assertThatThrownBy(() -> MembershipPlan.parse("moves=px:n1->n2 voter=none"))
        .hasMessageContaining("reason=partition-not-a-number");
  }

  @Test
  void assignmentsPrintInPartitionOrder() {
    assertThat(MembershipPlan.assignmentText(Map.of(2, List.of("n3"), 0, List.of("n1", "n2"))))
        .isEqualTo("p0:n1,n2;p2:n3");
    assertThat(MembershipPlan.assignmentText(Map.of())).isEqualTo("none");
  }
}
