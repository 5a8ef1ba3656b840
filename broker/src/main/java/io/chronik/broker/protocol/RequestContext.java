package io.chronik.broker.protocol;

import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * One parsed request and the way to answer it exactly once. The answer (a serialized response
 * without the size prefix as a ByteBuffer or as {@link ResponseParts}, or null for "no response" as
 * with acks=0) goes to {@code sink}, which hands it back to the connection's event loop in request
 * order.
 */
public final class RequestContext {
  private final RequestHeader header;
  private final AbstractRequest request;
  private final String clientHost;
  private final long receivedNanos;
  private final Consumer<Object> sink;
  private final RequestMetrics metrics;
  private boolean answered;

  public RequestContext(RequestHeader header, AbstractRequest request, String clientHost,
      Consumer<Object> sink, RequestMetrics metrics) {
    this.header = header;
    this.request = request;
    this.clientHost = clientHost;
    this.receivedNanos = System.nanoTime();
    this.sink = sink;
    this.metrics = metrics;
  }

  public ApiKeys apiKey() {
    return header.apiKey();
  }

  public short version() {
    return header.apiVersion();
  }

  public RequestHeader header() {
    return header;
  }

  public AbstractRequest request() {
    return request;
  }

  public String clientHost() {
    return clientHost;
  }

  public boolean answered() {
    return answered;
  }

  public void respond(ApiMessage data) {
    ResponseHeader rh = header.toResponseHeader();
    ByteBuffer bytes = RequestUtils.serialize(rh.data(), rh.headerVersion(), data, version());
    complete(bytes);
  }

  /**
   * Answers with a response whose {@link RegionRecords} go out as file regions (sendfile) instead of
   * being copied: the sink receives {@link ResponseParts}.
   */
  public void respondZeroCopy(ApiMessage data) {
    ResponseHeader rh = header.toResponseHeader();
    ObjectSerializationCache cache = new ObjectSerializationCache();
    MessageSizeAccumulator size = new MessageSizeAccumulator();
    rh.data().addSize(size, cache, rh.headerVersion());
    data.addSize(size, cache, version());
    ResponseParts.Writer writer = new ResponseParts.Writer(size.sizeExcludingZeroCopy());
    rh.data().write(writer, cache, rh.headerVersion());
    data.write(writer, cache, version());
    complete(writer.finish(size.totalSize()));
  }

  /** Answers with the request type's own error response (every field set to {@code error}). */
  public void respondError(Throwable error) {
    respond(request.getErrorResponse(0, error).data());
  }

  public void noResponse() {
    complete(null);
  }

  private void complete(Object bytes) {
    if (answered) {
      throw new IllegalStateException("api=" + apiKey() + " correlationId=" + header.correlationId()
          + " reason=answered-twice");
    }
    answered = true;
    metrics.record(apiKey(), System.nanoTime() - receivedNanos);
    sink.accept(bytes);
  }
}
