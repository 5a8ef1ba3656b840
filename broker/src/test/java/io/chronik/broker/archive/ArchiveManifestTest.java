package io.chronik.broker.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.broker.archive.ArchiveManifest.ArchivedFile;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveManifestTest {
  private static final ArchiveManifest MANIFEST = new ArchiveManifest("p3-orders-0", 1, 5234, 1764921600000L, List.of(
      new ArchivedFile("00000000000000000001.log", "00000000000000000001.log-4096.gz", 1048210, "ab".repeat(32), 4096),
      new ArchivedFile("log.meta", "log.meta-1a2b3c4d.gz", 28, "cd".repeat(32), -1)));

  @Test
  void aManifestReadsBackAsWritten() throws Exception {
    ArchiveManifest read = ArchiveManifest.decode(MANIFEST.encode(), "test");
    assertThat(read).isEqualTo(MANIFEST);
    assertThat(read.sameContent(MANIFEST)).isTrue();
    assertThat(read.files().get(0).segment()).isTrue();
    assertThat(read.files().get(1).segment()).isFalse();
  }

  @Test
  void aManifestTornAtAnyByteIsRefused() {
    byte[] whole = MANIFEST.encode();
    for (int length = 0; length < whole.length - 1; length++) {
      byte[] torn = Arrays.copyOf(whole, length);
      assertThatThrownBy(() -> ArchiveManifest.decode(torn, "torn")).as("torn at %d", length)
          .isInstanceOf(ArchiveException.class).hasMessageContaining("manifest=torn");
    }
  }

  @Test
  void aFlippedBitAnywhereIsRefused() {
    byte[] whole = MANIFEST.encode();
    for (int i = 0; i < whole.length; i++) {
      byte[] flipped = whole.clone();
      flipped[i] ^= 0x04;
      assertThatThrownBy(() -> ArchiveManifest.decode(flipped, "flipped")).as("bit flip at %d", i)
          .isInstanceOf(ArchiveException.class);
    }
  }

  @Test
  void aLocationParsesBucketAndPrefixAndRefusesOtherSchemes() {
    ArchiveLocation l = ArchiveLocation.parse("s3://bucket/some/prefix/");
    assertThat(l.bucket()).isEqualTo("bucket");
    assertThat(l.groupFolder(2, "metadata")).isEqualTo("some/prefix/node-2/metadata/");
    assertThat(ArchiveLocation.parse("s3://bucket").key("x")).isEqualTo("x");
    assertThatThrownBy(() -> ArchiveLocation.parse("http://bucket/p")).hasMessageContaining("reason=expected-s3");
  }
}
