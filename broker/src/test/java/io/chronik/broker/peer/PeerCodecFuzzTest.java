package io.chronik.broker.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.driver.GroupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Decoding hostile bytes either yields messages or throws {@link PeerCodecException}: never another
 * exception, an allocation sized by an unchecked length (that would be an OutOfMemoryError), or a hang.
 * Whatever decodes must re-encode to the very same bytes: the format has one encoding per batch, so
 * a corruption can never be read as a different-but-valid frame silently normalised.
 */
class PeerCodecFuzzTest {
  private static final int ITERATIONS = 4000;
  private static final int BASE_FRAMES = 100;

  @Test
  void mutatedTruncatedAndRandomFramesDecodeOrFailCleanly() {
    Random rnd = new Random(20261128L);
    byte[][] base = new byte[BASE_FRAMES][];
    for (int i = 0; i < BASE_FRAMES; i++) {
      base[i] = encode(PeerMessages.batch(rnd, 1 + rnd.nextInt(4)));
    }
    int decoded = 0;
    int rejected = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] frame = base[rnd.nextInt(BASE_FRAMES)];
      int kind = i % 4;
      byte[] input = switch (kind) {
        case 0 -> mutate(rnd, frame);
        case 1 -> Arrays.copyOf(frame, rnd.nextInt(frame.length));
        case 2 -> frame;
        default -> noise(rnd);
      };
      // Length-prefixed through decodeFrame, or stripped as the frame decoder hands it to decodeBody.
      boolean asBody = kind == 1 || (kind != 2 && rnd.nextBoolean());
      byte[] body = asBody ? Arrays.copyOfRange(input, Math.min(4, input.length), input.length) : input;
      try {
        List<GroupMessage> out = asBody ? PeerCodec.decodeBody(Unpooled.wrappedBuffer(body))
            : PeerCodec.decodeFrame(Unpooled.wrappedBuffer(body));
        byte[] again = encode(out);
        assertThat(asBody ? Arrays.copyOfRange(again, 4, again.length) : again).as("iteration %d", i).isEqualTo(body);
        decoded++;
      } catch (PeerCodecException e) {
        assertThat(kind).as("intact frame rejected: %s", e.getMessage()).isNotEqualTo(2);
        assertThat(e.getMessage()).startsWith("reason=").contains(" offset=");
        rejected++;
      }
    }
    // Both outcomes must actually occur, or the mutations are not exercising the decoder.
    assertThat(decoded).isGreaterThan(ITERATIONS / 4);
    assertThat(rejected).isGreaterThan(ITERATIONS / 4);
  }

  private static byte[] encode(List<GroupMessage> batch) {
    ByteBuf buf = PeerCodec.encode(ByteBufAllocator.DEFAULT, batch);
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  private static byte[] mutate(Random rnd, byte[] frame) {
    byte[] bytes = frame.clone();
    int flips = 1 + rnd.nextInt(3);
    for (int f = 0; f < flips; f++) {
      int at = rnd.nextInt(bytes.length);
      bytes[at] = rnd.nextInt(3) == 0 ? (byte) 0xff : (byte) rnd.nextInt(256);
    }
    return bytes;
  }

  private static byte[] noise(Random rnd) {
    byte[] noise = new byte[rnd.nextInt(300)];
    rnd.nextBytes(noise);
    if (noise.length > 5 && rnd.nextBoolean()) {
      noise[4] = rnd.nextBoolean() ? PeerCodec.MAGIC_V2 : PeerCodec.MAGIC_V1; // past the magic check now and then
    }
    return noise;
  }
}
