package io.chronik.verifier.history;

import us.bpsm.edn.Keyword;

/**
 * The Jepsen op type: an {@code invoke} opens an operation; {@code ok}, {@code fail} and {@code info}
 * complete it.
 *
 * <p>{@code ok}: it took effect, and the completion's value is its result. {@code fail}: it
 * definitely did not take effect (a model may still read the failure as evidence about the state, for
 * example a failed compare-and-set). {@code info}: indeterminate; it may or may not have taken effect,
 * at any time from its invocation to the end of the history, so the operation stays open forever and
 * the process continues under a new id.
 */
public enum OpType {
  INVOKE("invoke"),
  OK("ok"),
  FAIL("fail"),
  INFO("info");

  private final Keyword keyword;

  OpType(String name) {
    this.keyword = Keyword.newKeyword(name);
  }

  /** The EDN keyword, e.g. {@code :invoke}. */
  public Keyword keyword() {
    return keyword;
  }

  /** True for ok, fail and info. */
  public boolean isCompletion() {
    return this != INVOKE;
  }

  /** The type for an EDN keyword ({@code :invoke :ok :fail :info}), or null if it is none of them. */
  public static OpType of(Object keyword) {
    for (OpType type : values()) {
      if (type.keyword.equals(keyword)) {
        return type;
      }
    }
    return null;
  }
}
