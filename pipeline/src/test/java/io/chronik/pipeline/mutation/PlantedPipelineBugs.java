package io.chronik.pipeline.mutation;

import io.chronik.raft.mutation.MutatedModule;
import io.chronik.raft.mutation.PlantedBug;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's planted bugs: each a minimal change to one snippet of {@code pipeline/src/main/java}
 * (the raft module's {@link PlantedBug}), hunted by the ordinary swarm run of the production-path
 * simulation ({@code DriverClusterSimulation}) in the raft module's harness. {@link #FAST} is the CI
 * subset; {@link #MASKED} are reported but need no catch (another layer of the production path makes
 * them harmless today; argued in docs/SIMULATION.md).
 */
final class PlantedPipelineBugs {

  static final MutatedModule MODULE = new MutatedModule("pipeline",
      "io.chronik.pipeline.simulation.DriverClusterSimulation", List.of("raft"));

  private static final String DRIVER = "io/chronik/pipeline/driver/";
  private static final String REGISTRY = "io/chronik/pipeline/completion/CompletionRegistry.java";

  static final List<PlantedBug> ALL = List.of(
      new PlantedBug("append-response-before-fsync", DRIVER + "RaftNodeGroup.java",
          "return type.sendableBeforeSync();",
          "return type.sendableBeforeSync() || type == io.chronik.raft.message.MessageType.APPEND_RESPONSE;",
          "a follower's append response leaves with the early messages, before the loop's fsync"),
      new PlantedBug("vote-response-before-fsync", DRIVER + "RaftNodeGroup.java",
          "return type.sendableBeforeSync();",
          "return type.sendableBeforeSync() || type == io.chronik.raft.message.MessageType.VOTE_RESPONSE;",
          "a granted vote leaves with the early messages, before the loop's fsync made the vote durable"),
      new PlantedBug("sync-skipped-some-loops", DRIVER + "ReadyBatch.java",
          "    storage.sync();\n",
          "    if (syncs.get() % 2 == 0) {\n      storage.sync();\n    }\n",
          "the driver syncs only every other loop that wrote (the other loops send and apply unsynced)"),
      new PlantedBug("completion-without-term-change", DRIVER + "RaftDriver.java",
          "        registry.termChanged(g, ready.term());\n",
          "",
          "the driver does not tell the completion registry that a group's term moved on (caught through the "
              + "registry's index-not-increasing guard: committed()'s term check still fails the stale appends)"),
      new PlantedBug("completion-ignores-commit-term", REGISTRY,
          "AppendStatus status = queue.headTerm() == commitTerm ? AppendStatus.SUCCESS : AppendStatus.NOT_LEADER;",
          "AppendStatus status = AppendStatus.SUCCESS;",
          "a commit completes every pending append up to it SUCCESS, whatever term it was registered in"),
      new PlantedBug("completion-one-past-commit", REGISTRY,
          "while (queue.size() > 0 && queue.headIndex() <= commitIndex) {",
          "while (queue.size() > 0 && queue.headIndex() <= commitIndex + 1) {",
          "a commit completes the append just after the commit index too"),
      new PlantedBug("hard-state-only-write-not-synced", DRIVER + "ReadyBatch.java",
          "    if (!writes) {\n",
          "    if (entries == 0) {\n",
          "a loop that wrote only hard state (a vote, a term) skips the sync and sends the vote response anyway"));

  /** Caught within a few seeds each: the CI subset. */
  static final List<String> FAST = List.of("append-response-before-fsync", "sync-skipped-some-loops",
      "completion-one-past-commit");

  static final Map<String, String> MASKED = Map.of("completion-ignores-commit-term",
      "the driver fails an older term's pending appends (termChanged) before any commit of a newer term reaches "
          + "the registry, so the term check in committed() is a second guard");
}
