package io.chronik.verifier.model;

import java.util.List;

/** The models {@code chronik check --model} knows, by name. */
public final class ModelCatalog {
  private ModelCatalog() {}

  /** Model names, for help texts. */
  public static final List<String> NAMES = List.of("register", "cas-register", "multi-register", "keyed-register",
      "key-value", "key-value-single", "mutex", "set", "unordered-queue", "fifo-queue", "log");

  /**
   * The model called {@code name}; {@code policy} null picks the model's default (evidence for
   * cas-register, did-not-happen elsewhere).
   */
  public static Model<?, ?> byName(String name, FailurePolicy policy) {
    FailurePolicy p = policy != null ? policy
        : name.equals("cas-register") ? FailurePolicy.EVIDENCE : FailurePolicy.DID_NOT_HAPPEN;
    return switch (name) {
      case "register" -> new RegisterModel(false, p);
      case "cas-register" -> new RegisterModel(true, p);
      case "multi-register" -> new MultiRegisterModel(p);
      case "keyed-register" -> new KeyedRegisterModel(p);
      case "key-value" -> new KeyValueModel(true, p);
      case "key-value-single" -> new KeyValueModel(false, p);
      case "mutex" -> new MutexModel(p);
      case "set" -> new SetModel(p);
      case "unordered-queue" -> new QueueModel(false);
      case "fifo-queue" -> new QueueModel(true);
      case "log" -> new LogModel(p);
      default -> throw new IllegalArgumentException("model=" + name + " reason=unknown-model known=" + NAMES);
    };
  }
}
