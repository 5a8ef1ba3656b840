package io.chronik.broker.api;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.config.Setting;
import io.chronik.broker.config.TopicConfigs;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.replication.MetadataCommand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeConfigs (topics and brokers), AlterConfigs and IncrementalAlterConfigs (topics). A topic's
 * configs live in the metadata group: an alter is validated here, merged with the topic's current
 * configs and proposed (forwarded to the controller from any node) as one {@code TopicConfigs}
 * command; the answer waits until this node has applied it, so a describe that follows sees it.
 * Broker configs are static (the properties file) and cannot be altered.
 */
final class TopicConfigApi {
  private static final byte TOPIC = 2;
  private static final byte BROKER = 4;
  private static final byte SOURCE_TOPIC = 1;
  private static final byte SOURCE_STATIC_BROKER = 4;
  private static final byte SOURCE_DEFAULT = 5;
  private static final byte OP_SET = 0;
  private static final byte OP_DELETE = 1;
  private static final long APPLY_WAIT_MS = 5000;

  private final BrokerState s;

  TopicConfigApi(BrokerState s) {
    this.s = s;
  }

  void describeConfigs(RequestContext ctx) {
    DescribeConfigsRequestData req = (DescribeConfigsRequestData) ctx.request().data();
    DescribeConfigsResponseData resp = new DescribeConfigsResponseData();
    for (DescribeConfigsRequestData.DescribeConfigsResource res : req.resources()) {
      DescribeConfigsResult r = new DescribeConfigsResult().setResourceType(res.resourceType())
          .setResourceName(res.resourceName());
      resp.results().add(r);
      List<String> wanted = res.configurationKeys();
      if (res.resourceType() == TOPIC) {
        Topic t = s.topics.topic(res.resourceName());
        if (t == null) {
          r.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setErrorMessage("topic=" + res.resourceName());
          continue;
        }
        TopicConfigs.describe(t.configs(), s.config).forEach((k, d) -> {
          if (wanted == null || wanted.contains(k)) {
            Setting<?> broker = d.brokerKey() == null ? null : BrokerSettings.byKey(d.brokerKey());
            byte source = d.topicSet() ? SOURCE_TOPIC
                : broker != null && s.config.isSet(broker) ? SOURCE_STATIC_BROKER : SOURCE_DEFAULT;
            boolean settable = TopicConfigs.settableKeys().contains(k);
            r.configs().add(new DescribeConfigsResourceResult().setName(k).setValue(d.value())
                .setReadOnly(!settable).setConfigSource(source).setIsSensitive(false));
          }
        });
      } else if (res.resourceType() == BROKER
          && (res.resourceName().isEmpty() || res.resourceName().equals(Integer.toString(s.nodeId)))) {
        s.config.values().forEach((k, v) -> {
          if (wanted == null || wanted.contains(k)) {
            byte source = s.config.isSet(BrokerSettings.byKey(k)) ? SOURCE_STATIC_BROKER : SOURCE_DEFAULT;
            r.configs().add(new DescribeConfigsResourceResult().setName(k).setValue(v).setReadOnly(true)
                .setConfigSource(source).setIsSensitive(false));
          }
        });
      } else {
        r.setErrorCode(Errors.INVALID_REQUEST.code())
            .setErrorMessage("resourceType=" + res.resourceType() + " resourceName=" + res.resourceName());
      }
    }
    ctx.respond(resp);
  }

  /** Non-incremental: the given set replaces every config the topic set. */
  void alterConfigs(RequestContext ctx) {
    AlterConfigsRequestData req = (AlterConfigsRequestData) ctx.request().data();
    AlterConfigsResponseData resp = new AlterConfigsResponseData();
    Pending pending = new Pending(ctx, resp);
    for (AlterConfigsRequestData.AlterConfigsResource res : req.resources()) {
      AlterConfigsResponseData.AlterConfigsResourceResponse r = new AlterConfigsResponseData
          .AlterConfigsResourceResponse().setResourceType(res.resourceType()).setResourceName(res.resourceName());
      resp.responses().add(r);
      Map<String, String> target = new HashMap<>();
      String refusal = null;
      for (AlterConfigsRequestData.AlterableConfig c : res.configs()) {
        refusal = refusal != null ? refusal : TopicConfigs.invalidReason(c.name(), c.value());
        target.put(c.name(), c.value());
      }
      Outcome outcome = decide(res.resourceType(), res.resourceName(), refusal, target, req.validateOnly());
      r.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
      pending.await(outcome, e -> r.setErrorCode(e.code()).setErrorMessage(e == Errors.NONE ? null
          : "reason=not-applied-within-ms=" + APPLY_WAIT_MS));
    }
    pending.start();
  }

  void incrementalAlterConfigs(RequestContext ctx) {
    IncrementalAlterConfigsRequestData req = (IncrementalAlterConfigsRequestData) ctx.request().data();
    IncrementalAlterConfigsResponseData resp = new IncrementalAlterConfigsResponseData();
    Pending pending = new Pending(ctx, resp);
    for (IncrementalAlterConfigsRequestData.AlterConfigsResource res : req.resources()) {
      IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse r = new IncrementalAlterConfigsResponseData
          .AlterConfigsResourceResponse().setResourceType(res.resourceType()).setResourceName(res.resourceName());
      resp.responses().add(r);
      Topic t = res.resourceType() == TOPIC ? s.topics.topic(res.resourceName()) : null;
      Map<String, String> target = new HashMap<>(t == null ? Map.of() : t.configs());
      String refusal = null;
      for (IncrementalAlterConfigsRequestData.AlterableConfig c : res.configs()) {
        if (c.configOperation() == OP_SET) {
          refusal = refusal != null ? refusal : TopicConfigs.invalidReason(c.name(), c.value());
          target.put(c.name(), c.value());
        } else if (c.configOperation() == OP_DELETE && TopicConfigs.REPLICATION_THROTTLES.contains(c.name())) {
          continue; // never set, so nothing to delete
        } else if (c.configOperation() == OP_DELETE) {
          String known = TopicConfigs.invalidReason(c.name(), null);
          if (known != null && known.contains("unknown-topic-config")) {
            refusal = refusal != null ? refusal : known;
          }
          target.remove(c.name());
        } else {
          refusal = refusal != null ? refusal : "key=" + c.name() + " operation=" + c.configOperation()
              + " reason=append-subtract-unsupported (no list-valued topic configs)";
        }
      }
      Outcome outcome = onlyThrottlesDeleted(res) ? new Outcome(Errors.NONE, null, null, null)
          : decide(res.resourceType(), res.resourceName(), refusal, target, req.validateOnly());
      r.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
      pending.await(outcome, e -> r.setErrorCode(e.code()).setErrorMessage(e == Errors.NONE ? null
          : "reason=not-applied-within-ms=" + APPLY_WAIT_MS));
    }
    pending.start();
  }

  /**
   * A node's alter that only deletes replication throttles (kafka-reassign-partitions --verify clears them
   * on every node of a move): a no-op, although broker configs are otherwise static.
   */
  private static boolean onlyThrottlesDeleted(IncrementalAlterConfigsRequestData.AlterConfigsResource res) {
    if (res.resourceType() != BROKER || res.configs().isEmpty()) {
      return false;
    }
    for (IncrementalAlterConfigsRequestData.AlterableConfig c : res.configs()) {
      if (c.configOperation() != OP_DELETE || !TopicConfigs.REPLICATION_THROTTLES.contains(c.name())) {
        return false;
      }
    }
    return true;
  }

  /** What one resource's alter comes to: an error now, or a command to propose and wait for. */
  private record Outcome(Errors error, String message, String topic, Map<String, String> target) {}

  private Outcome decide(byte type, String name, String refusal, Map<String, String> target, boolean validateOnly) {
    if (type == BROKER) {
      return new Outcome(Errors.INVALID_REQUEST, "resource=broker reason=broker-configs-are-static "
          + "(set them in the properties file)", null, null);
    }
    if (type != TOPIC) {
      return new Outcome(Errors.INVALID_REQUEST, "resourceType=" + type + " reason=unsupported", null, null);
    }
    if (s.topics.topic(name) == null) {
      return new Outcome(Errors.UNKNOWN_TOPIC_OR_PARTITION, "topic=" + name, null, null);
    }
    if (refusal != null) {
      return new Outcome(Errors.INVALID_CONFIG, refusal, null, null);
    }
    return new Outcome(Errors.NONE, null, validateOnly ? null : name, Map.copyOf(target));
  }

  /** The alters of one request: proposed, then answered once this node applied them all (or timed out). */
  private final class Pending {
    private final RequestContext ctx;
    private final ApiMessage response;
    private final List<Runnable> starts = new java.util.ArrayList<>();
    private final List<Outcome> waiting = new java.util.ArrayList<>();
    private final List<java.util.function.Consumer<Errors>> finishers = new java.util.ArrayList<>();
    private long deadlineNanos;

    Pending(RequestContext ctx, ApiMessage response) {
      this.ctx = ctx;
      this.response = response;
    }

    void await(Outcome o, java.util.function.Consumer<Errors> finish) {
      if (o.error() != Errors.NONE || o.topic() == null) {
        return;
      }
      MetadataCommand command = new MetadataCommand.TopicConfigs(o.topic(), o.target());
      starts.add(() -> {
        if (s.replication.metadataLeading()) {
          s.replication.proposeMetadata(command, 0, null, null);
        } else {
          s.replication.forwardMetadata(command);
        }
      });
      waiting.add(o);
      finishers.add(finish);
    }

    void start() {
      starts.forEach(Runnable::run);
      deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(APPLY_WAIT_MS);
      check();
    }

    private void check() {
      boolean all = true;
      for (Outcome o : waiting) {
        Topic t = s.topics.topic(o.topic());
        all &= t != null && t.configs().equals(o.target());
      }
      if (all || System.nanoTime() >= deadlineNanos) {
        for (int i = 0; i < waiting.size(); i++) {
          Topic t = s.topics.topic(waiting.get(i).topic());
          boolean applied = t != null && t.configs().equals(waiting.get(i).target());
          finishers.get(i).accept(applied ? Errors.NONE : Errors.REQUEST_TIMED_OUT);
        }
        ctx.respond(response);
      } else {
        s.executor.schedule(this::check, 5, TimeUnit.MILLISECONDS);
      }
    }
  }
}
