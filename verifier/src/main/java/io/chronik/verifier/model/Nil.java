package io.chronik.verifier.model;

/** The state value of a register or key that holds nothing (EDN {@code nil}); states are never null. */
final class Nil {
  static final Nil NIL = new Nil();

  private Nil() {}

  static Object wrap(Object value) {
    return value == null ? NIL : value;
  }

  @Override
  public String toString() {
    return "nil";
  }
}
