package io.chronik.control.replicas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaAgreementTest {
  private static final int BLOCK = 100;
  @TempDir Path tmp;

  /**
   * What {@code chronik log-digest} prints for a group of entries 1..last whose entry i has CRC
   * {@code crc(i)}: blocks hashed the same way for every replica (a stand-in digest: the CRCs joined).
   */
  private static String digest(String dir, long last, long commit, LongFunction<String> crc, List<long[]> listed) {
    StringBuilder b = new StringBuilder("group dir=" + dir + " first=1 last=" + last + " commit=" + commit
        + " end=end segments=1\n");
    for (long s = 1; s <= last; s += BLOCK) {
      long e = Math.min(last, s + BLOCK - 1);
      StringBuilder h = new StringBuilder();
      for (long i = s; i <= e; i++) {
        h.append(crc.apply(i));
      }
      b.append("block dir=").append(dir).append(" from=").append(s).append(" to=").append(e)
          .append(" lastTerm=2 digest=").append(Integer.toHexString(h.toString().hashCode())).append('\n');
    }
    for (long[] r : listed) {
      for (long i = r[0]; i <= Math.min(r[1], last); i++) {
        b.append("entry dir=").append(dir).append(" index=").append(i).append(" term=2 key=").append(i)
            .append(" kind=0 crc=").append(crc.apply(i)).append(" bytes=80\n");
      }
    }
    return b.toString();
  }

  private static String same(long i) {
    return Long.toHexString(i * 2654435761L);
  }

  private static List<long[]> ranges(ReplicaAgreement.Plan plan) {
    return plan.ranges().stream().map(r -> new long[] {r.from(), r.to()}).toList();
  }

  private static Map<String, ReplicaDigest> round(long[] lasts, long[] commits, Map<String, LongFunction<String>> crcs,
      List<long[]> listed) {
    Map<String, ReplicaDigest> byNode = new LinkedHashMap<>();
    int n = 0;
    for (Map.Entry<String, LongFunction<String>> e : crcs.entrySet()) {
      byNode.put(e.getKey(), ReplicaDigest.parse(digest("p1-q-0", lasts[n], commits[n], e.getValue(), listed)));
      n++;
    }
    return byNode;
  }

  @Test
  void identicalReplicasAgreeAndWholeBlocksNeedNoEntries() {
    ReplicaAgreement agreement = new ReplicaAgreement(BLOCK);
    Map<String, LongFunction<String>> crcs = Map.of("n1", ReplicaAgreementTest::same, "n2", ReplicaAgreementTest::same,
        "n3", ReplicaAgreementTest::same);
    long[] lasts = {1050, 1050, 1050};
    long[] commits = {1040, 1000, 1020};
    ReplicaAgreement.Plan plan = agreement.plan(round(lasts, commits, crcs, List.of()));

    assertEquals(1000, plan.entriesByBlocks());
    assertEquals(1, plan.ranges().size(), "only the block the commit cuts is listed");
    assertEquals(new ReplicaAgreement.Range("p1-q-0", 1001, 1040), plan.ranges().get(0));
    ReplicaAgreement.Result r = agreement.judge(plan, round(lasts, commits, crcs, ranges(plan)));
    assertTrue(r.agree());
    assertEquals(1040, r.entriesCompared());
    assertEquals(List.of(), r.lagging());
  }

  @Test
  void aPlantedDifferentCommittedEntryIsADivergenceNamingItsIndexAndEveryReplicasEntry() {
    ReplicaAgreement agreement = new ReplicaAgreement(BLOCK);
    Map<String, LongFunction<String>> crcs = new LinkedHashMap<>();
    crcs.put("n1", ReplicaAgreementTest::same);
    crcs.put("n2", i -> i == 450 || i == 451 ? "deadbeef" : same(i));
    crcs.put("n3", ReplicaAgreementTest::same);
    long[] lasts = {900, 900, 900};
    long[] commits = {900, 900, 900};
    ReplicaAgreement.Plan plan = agreement.plan(round(lasts, commits, crcs, List.of()));

    assertEquals(List.of(new ReplicaAgreement.Range("p1-q-0", 401, 500)), plan.ranges());
    ReplicaAgreement.Result r = agreement.judge(plan, round(lasts, commits, crcs, ranges(plan)));
    assertFalse(r.agree());
    assertEquals(1, r.divergences().size());
    ReplicaAgreement.Divergence d = r.divergences().get(0);
    assertEquals(450, d.index());
    assertEquals(2, d.entriesDiffering());
    assertEquals(Map.of("n1", "term=2 crc=" + same(450), "n2", "term=2 crc=deadbeef", "n3", "term=2 crc=" + same(450)),
        d.replicas());
  }

  @Test
  void entriesAboveTheCommittedBoundAreNotJudgedAndAShortReplicaIsLagging() {
    ReplicaAgreement agreement = new ReplicaAgreement(BLOCK);
    Map<String, LongFunction<String>> crcs = new LinkedHashMap<>();
    crcs.put("n1", ReplicaAgreementTest::same);
    crcs.put("n2", i -> i > 300 ? "0ld7e4m" : same(i)); // an uncommitted tail of an old term
    crcs.put("n3", ReplicaAgreementTest::same);
    long[] lasts = {350, 320, 250};
    long[] commits = {300, 280, 250};
    ReplicaAgreement.Plan plan = agreement.plan(round(lasts, commits, crcs, List.of()));

    assertEquals(List.of(new ReplicaAgreement.Lagging("p1-q-0", "n3", 250, 300)), plan.lagging());
    ReplicaAgreement.Result r = agreement.judge(plan, round(lasts, commits, crcs, ranges(plan)));
    assertTrue(r.agree(), r.divergences().toString());
    assertEquals(250, r.entriesCompared(), "compared up to the shortest replica");
  }

  @Test
  void aDivergenceTurnsAValidRunFolderInvalidWithItsAnomalyType() throws IOException {
    Files.writeString(tmp.resolve("results.edn"), "{:valid? true\n :model :kafka\n :anomaly-types []\n"
        + " :bad-anomaly-types []\n :allowed-anomaly-types [:int-send-skip]\n :counts {}}\n");
    Files.writeString(tmp.resolve("report.html"), "<html><body><div class=\"verdict\" style=\"background:#1b8a3a\">"
        + "VALID</div>\n</body></html>");
    ReplicaAgreement.Result r = new ReplicaAgreement.Result(4, 1200, List.of(new ReplicaAgreement.Divergence("p1-q-0",
        450, Map.of("n2", "term=2 crc=deadbeef"), 2)), List.of());

    AgreementRecord.amend(tmp, r);

    String edn = Files.readString(tmp.resolve("results.edn"), StandardCharsets.UTF_8);
    assertTrue(edn.startsWith("{:valid? false\n"), edn);
    assertTrue(edn.contains(" :anomaly-types [:replica-divergence]\n :bad-anomaly-types [:replica-divergence]\n"), edn);
    assertTrue(edn.contains(":replica-agreement {:agree? false :groups 4 :entries-compared 1200 :divergences [{:group "
        + "\"p1-q-0\" :index 450 :entries-differing 2 :replicas {\"n2\" \"term=2 crc=deadbeef\"}}] :lagging []}}"), edn);
    String html = Files.readString(tmp.resolve("report.html"), StandardCharsets.UTF_8);
    assertTrue(html.contains("background:#c62828\">INVALID</div>"), html);
    assertTrue(html.contains("<td>p1-q-0</td><td>450</td><td>2</td>"), html);
  }

  @Test
  void aLineTheToolDoesNotPrintIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReplicaDigest.parse("group dir=a first=1 last=2 commit=x"));
    assertEquals("line=group dir=a first=1 last=2 commit=x reason=not-a-number field=commit", e.getMessage());
  }
}
