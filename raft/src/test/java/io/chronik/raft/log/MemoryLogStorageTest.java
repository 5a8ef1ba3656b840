package io.chronik.raft.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.membership.Configuration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLogStorageTest {

  private static Entry e(long index, long term) {
    return Entry.normal(index, term, new byte[] {(byte) index});
  }

  @Test
  void appendOverConflictingSuffixReplacesIt() {
    MemoryLogStorage s = new MemoryLogStorage();
    s.append(List.of(e(1, 1), e(2, 1), e(3, 2)));
    s.append(List.of(e(2, 3)));
    assertThat(s.lastIndex()).isEqualTo(2);
    assertThat(s.term(2)).isEqualTo(3);
    assertThat(s.term(0)).isZero();
  }

  @Test
  void compactKeepsTermOfLastCompactedEntry() {
    MemoryLogStorage s = new MemoryLogStorage();
    s.append(List.of(e(1, 1), e(2, 1), e(3, 2), e(4, 2)));
    s.createSnapshot(new SnapshotMeta(3, 2, Configuration.of(List.of(1))), new byte[] {9});
    s.compact(3);
    assertThat(s.firstIndex()).isEqualTo(4);
    assertThat(s.term(3)).isEqualTo(2);
    assertThat(s.entries(4, 5, 0)).containsExactly(e(4, 2));
    assertThatThrownBy(() -> s.term(2)).isInstanceOf(LogIndexException.class).hasMessageContaining("index=2");
    assertThatThrownBy(() -> s.compact(4)).hasMessageContaining("compact-beyond-snapshot");
  }

  @Test
  void entriesReturnAtLeastOneEvenIfLargerThanMaxBytes() {
    MemoryLogStorage s = new MemoryLogStorage();
    s.append(List.of(e(1, 1), e(2, 1), e(3, 1)));
    assertThat(s.entries(1, 4, 1)).hasSize(1);
    assertThat(s.entries(1, 4, 50)).hasSize(2);
  }

  @Test
  void installSnapshotEmptiesTheLog() {
    MemoryLogStorage s = new MemoryLogStorage();
    s.append(List.of(e(1, 1), e(2, 1)));
    s.installSnapshot(new SnapshotMeta(10, 4, Configuration.of(List.of(1, 2))), new byte[] {1, 2});
    assertThat(s.firstIndex()).isEqualTo(11);
    assertThat(s.lastIndex()).isEqualTo(10);
    assertThat(s.term(10)).isEqualTo(4);
    assertThat(s.snapshotData()).containsExactly(1, 2);
  }
}
