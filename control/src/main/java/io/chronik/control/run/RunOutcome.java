package io.chronik.control.run;

import io.chronik.verifier.report.Verdict;
import java.nio.file.Path;

/** What one run produced: its folder, seed, verdict, recorded operations and injected faults. */
public record RunOutcome(Path dir, long seed, Verdict verdict, long ops, long faults) {}
