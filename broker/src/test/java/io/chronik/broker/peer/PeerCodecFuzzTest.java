package io.chronik.broker.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.driver.GroupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Decoding hostile bytes either yields messages or throws {@link PeerCodecException}: never another
 * exception, an allocation sized by an unchecked length (that would be an OutOfMemoryError), or a hang.
 */
class PeerCodecFuzzTest {
  private static final int ITERATIONS = 4000;

  @Test
  void mutatedTruncatedAndRandomFramesDecodeOrFailCleanly() {
    Random rnd = new Random(20261128L);
    int decoded = 0;
    int rejected = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] bytes = candidate(rnd, i % 4);
      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
      try {
        List<GroupMessage> out = (i & 1) == 0 ? PeerCodec.decodeFrame(buf) : PeerCodec.decodeBody(buf);
        assertThat(out).isNotNull();
        decoded++;
      } catch (PeerCodecException e) {
        assertThat(e.getMessage()).startsWith("reason=").contains(" offset=");
        rejected++;
      }
    }
    // Both outcomes must actually occur, or the mutations are not exercising the decoder.
    assertThat(decoded).isGreaterThan(ITERATIONS / 100);
    assertThat(rejected).isGreaterThan(ITERATIONS / 4);
  }

  private static byte[] candidate(Random rnd, int kind) {
    if (kind == 3) {
      byte[] noise = new byte[rnd.nextInt(300)];
      rnd.nextBytes(noise);
      if (noise.length > 5 && rnd.nextBoolean()) {
        noise[4] = PeerCodec.MAGIC_V1; // get past the magic check now and then
      }
      return noise;
    }
    ByteBuf frame = PeerCodec.encode(ByteBufAllocator.DEFAULT, PeerMessages.batch(rnd, 1 + rnd.nextInt(4)));
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes);
    frame.release();
    if (kind == 0) {
      int flips = 1 + rnd.nextInt(3);
      for (int f = 0; f < flips; f++) {
        int at = rnd.nextInt(bytes.length);
        bytes[at] = rnd.nextInt(3) == 0 ? (byte) 0xff : (byte) rnd.nextInt(256);
      }
      return bytes;
    }
    if (kind == 1) {
      return java.util.Arrays.copyOf(bytes, rnd.nextInt(bytes.length));
    }
    return bytes; // kind 2: intact, must decode (as a frame) or be a body-offset mismatch (as a body)
  }
}
