package io.chronik.verifier.model;

import java.util.List;
import java.util.function.Function;

/**
 * The models {@code chronik check --model} knows: one {@link Entry} per model, read by the command's
 * help, its errors and the factory. Adding a model is adding one entry here.
 */
public final class ModelCatalog {
  private ModelCatalog() {}

  /**
   * One model: its {@code --model} name, a one-line help, whether its ops already carry keys (such
   * models are never wrapped as {@code --independent}), its default failed-op policy, and a factory.
   */
  public record Entry(String name, String help, boolean keyed, FailurePolicy defaultPolicy,
      Function<FailurePolicy, Model<?, ?>> factory) {}

  private static final FailurePolicy DNH = FailurePolicy.DID_NOT_HAPPEN;

  /** Every model, in the order help lists them. */
  public static final List<Entry> ENTRIES = List.of(
      new Entry("register", ":read -> v, :write v; one register, initially nil", false, DNH,
          p -> new RegisterModel(false, p)),
      new Entry("cas-register", "register plus :cas [expected new] (failed cas: evidence)", false,
          FailurePolicy.EVIDENCE, p -> new RegisterModel(true, p)),
      new Entry("multi-register", ":txn [[:read k v] [:write k v] ...] over many registers", true, DNH,
          MultiRegisterModel::new),
      new Entry("keyed-register", ":read/:write [k v], one register per key, checked per key", true, DNH,
          KeyedRegisterModel::new),
      new Entry("key-value", ":get [k nil] -> [k v], :put/:append [k v]; per key", true, DNH,
          p -> new KeyValueModel(true, p)),
      new Entry("key-value-single", "key-value checked as one map", true, DNH, p -> new KeyValueModel(false, p)),
      new Entry("mutex", ":acquire, :release", false, DNH, MutexModel::new),
      new Entry("set", ":add v, :read -> collection", false, DNH, SetModel::new),
      new Entry("unordered-queue", ":enqueue v, :dequeue -> v, any order", false, DNH, p -> new QueueModel(false)),
      new Entry("fifo-queue", ":enqueue v, :dequeue -> v, first in first out", false, DNH, p -> new QueueModel(true)),
      new Entry("log", ":append v -> offset, :read [start end-or-nil] -> values", false, DNH, LogModel::new));

  /** Model names, for help texts and errors. */
  public static final List<String> NAMES = ENTRIES.stream().map(Entry::name).toList();

  /** The entry called {@code name}; IllegalArgumentException naming the known ones otherwise. */
  public static Entry entry(String name) {
    for (Entry e : ENTRIES) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException("model=" + name + " reason=unknown-model known=" + NAMES);
  }

  /** The model called {@code name}; {@code policy} null picks the model's default. */
  public static Model<?, ?> byName(String name, FailurePolicy policy) {
    Entry e = entry(name);
    return e.factory().apply(policy != null ? policy : e.defaultPolicy());
  }
}
