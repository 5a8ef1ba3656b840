package io.chronik.verifier.model;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable sequence (queue contents, log entries), copied on write with its hash computed once.
 * Copying is O(length), which suits the short histories these models are used for.
 */
final class SeqState {
  static final SeqState EMPTY = new SeqState(new Object[0]);

  private final Object[] items;
  private final int hash;

  private SeqState(Object[] items) {
    this.items = items;
    this.hash = Arrays.hashCode(items);
  }

  int size() {
    return items.length;
  }

  Object get(int i) {
    return items[i];
  }

  SeqState append(Object item) {
    Object[] copy = Arrays.copyOf(items, items.length + 1);
    copy[items.length] = item;
    return new SeqState(copy);
  }

  /** Without the element at {@code i}. */
  SeqState remove(int i) {
    Object[] copy = new Object[items.length - 1];
    System.arraycopy(items, 0, copy, 0, i);
    System.arraycopy(items, i + 1, copy, i, items.length - i - 1);
    return new SeqState(copy);
  }

  int indexOf(Object item) {
    for (int i = 0; i < items.length; i++) {
      if (items[i].equals(item)) {
        return i;
      }
    }
    return -1;
  }

  /** True if {@code items[from .. from + run.size())} equals {@code run}. */
  boolean matches(int from, List<?> run) {
    if (from < 0 || from + run.size() > items.length) {
      return false;
    }
    for (int i = 0; i < run.size(); i++) {
      if (!items[from + i].equals(Nil.wrap(run.get(i)))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof SeqState s && s.hash == hash && Arrays.equals(s.items, items));
  }

  @Override
  public String toString() {
    return Arrays.toString(items);
  }
}
