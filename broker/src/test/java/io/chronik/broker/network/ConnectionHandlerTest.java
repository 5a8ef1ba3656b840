package io.chronik.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.protocol.RequestMetrics;
import io.chronik.broker.protocol.SupportedApis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;

class ConnectionHandlerTest {
  private static final int MAX = 4096;
  private final List<RequestContext> parked = new ArrayList<>();

  private EmbeddedChannel channel(boolean answerApiVersions) {
    EmbeddedChannel ch = new EmbeddedChannel();
    KafkaServer.configure(ch.pipeline(), MAX, 4, ctx -> {
      if (answerApiVersions && ctx.apiKey() == ApiKeys.API_VERSIONS) {
        ctx.respond(SupportedApis.apiVersions((short) 0));
      } else {
        parked.add(ctx);
      }
    }, new RequestMetrics(new SimpleMeterRegistry()));
    return ch;
  }

  static ByteBuf frame(ApiKeys key, short version, int correlationId, ApiMessage body) {
    RequestHeader h = new RequestHeader(key, version, "test", correlationId);
    ByteBuffer b = RequestUtils.serialize(h.data(), h.headerVersion(), body, version);
    ByteBuf out = Unpooled.buffer();
    out.writeInt(b.remaining());
    out.writeBytes(b);
    return out;
  }

  /** The next whole response (size prefix and body may leave as separate buffers). */
  private static ByteBuffer readResponse(EmbeddedChannel ch) {
    ByteBuf all = Unpooled.buffer();
    ByteBuf part;
    while ((part = ch.readOutbound()) != null) {
      all.writeBytes(part);
      part.release();
      if (all.readableBytes() >= 4 && all.readableBytes() >= 4 + all.getInt(0)) {
        break;
      }
    }
    ByteBuffer nio = ByteBuffer.allocate(all.readableBytes());
    all.readBytes(nio);
    nio.flip();
    return nio;
  }

  private static int correlationOf(EmbeddedChannel ch, short headerVersion) {
    ByteBuffer nio = readResponse(ch);
    assertThat(nio.getInt()).isEqualTo(nio.remaining());
    return ResponseHeader.parse(nio, headerVersion).correlationId();
  }

  @Test
  void answersApiVersionsAndKeepsConnectionOpen() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(frame(ApiKeys.API_VERSIONS, (short) 3, 7, new ApiVersionsRequestData()
        .setClientSoftwareName("t").setClientSoftwareVersion("1")));
    assertThat(correlationOf(ch, (short) 0)).isEqualTo(7);
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void unknownApiVersionsVersionGetsV0AnswerWithUnsupportedVersion() {
    EmbeddedChannel ch = channel(true);
    ByteBuf f = Unpooled.buffer();
    f.writeInt(8).writeShort(ApiKeys.API_VERSIONS.id).writeShort(99).writeInt(11);
    ch.writeInbound(f);
    ByteBuffer nio = readResponse(ch);
    nio.getInt();
    assertThat(nio.getInt()).isEqualTo(11);
    ApiVersionsResponseData r = new ApiVersionsResponseData(new ByteBufferAccessor(nio), (short) 0);
    assertThat(r.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
    assertThat(r.apiKeys().find(ApiKeys.PRODUCE.id)).isNotNull();
  }

  @Test
  void oversizedFrameClosesConnection() {
    EmbeddedChannel ch = channel(true);
    ByteBuf f = Unpooled.buffer();
    f.writeInt(MAX + 1).writeZero(16);
    ch.writeInbound(f);
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void negativeLengthClosesConnection() {
    EmbeddedChannel ch = channel(true);
    ByteBuf f = Unpooled.buffer();
    f.writeInt(-5).writeZero(16);
    ch.writeInbound(f);
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void truncatedFrameWaitsForTheRest() {
    EmbeddedChannel ch = channel(true);
    ByteBuf whole = frame(ApiKeys.API_VERSIONS, (short) 3, 1, new ApiVersionsRequestData()
        .setClientSoftwareName("t").setClientSoftwareVersion("1"));
    ch.writeInbound(whole.readRetainedSlice(6));
    assertThat((Object) ch.readOutbound()).isNull();
    ch.writeInbound(whole);
    assertThat(correlationOf(ch, (short) 0)).isEqualTo(1);
  }

  @Test
  void unknownApiKeyAndUnsupportedVersionAndGarbageClose() {
    EmbeddedChannel a = channel(true);
    ByteBuf f = Unpooled.buffer();
    f.writeInt(8).writeShort(9999).writeShort(0).writeInt(1);
    a.writeInbound(f);
    assertThat(a.isActive()).isFalse();

    EmbeddedChannel b = channel(true);
    ByteBuf g = Unpooled.buffer();
    g.writeInt(12).writeShort(ApiKeys.PRODUCE.id).writeShort(99).writeInt(1).writeInt(0);
    b.writeInbound(g);
    assertThat(b.isActive()).isFalse();

    EmbeddedChannel c = channel(true);
    ByteBuf h = Unpooled.buffer();
    h.writeInt(12).writeShort(ApiKeys.METADATA.id).writeShort(12).writeInt(1).writeInt(0x7fffffff);
    c.writeInbound(h);
    assertThat(c.isActive()).isFalse();
  }

  @Test
  void responsesLeaveInRequestOrderAndReadingPausesWhenFull() {
    EmbeddedChannel ch = channel(false);
    for (int i = 0; i < 4; i++) {
      ch.writeInbound(frame(ApiKeys.METADATA, (short) 12, i, new MetadataRequestData()));
    }
    assertThat(parked).hasSize(4);
    assertThat(ch.config().isAutoRead()).isFalse();
    parked.get(2).respond(new org.apache.kafka.common.message.MetadataResponseData());
    parked.get(1).respond(new org.apache.kafka.common.message.MetadataResponseData());
    ch.runPendingTasks();
    assertThat((Object) ch.readOutbound()).as("held back until request 0 is answered").isNull();
    parked.get(0).respond(new org.apache.kafka.common.message.MetadataResponseData());
    ch.runPendingTasks();
    short hv = ApiKeys.METADATA.responseHeaderVersion((short) 12);
    assertThat(correlationOf(ch, hv)).isEqualTo(0);
    assertThat(correlationOf(ch, hv)).isEqualTo(1);
    assertThat(correlationOf(ch, hv)).isEqualTo(2);
    assertThat(ch.config().isAutoRead()).isTrue();
  }
}
