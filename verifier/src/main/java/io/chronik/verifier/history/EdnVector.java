package io.chronik.verifier.history;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An immutable EDN vector or list as {@link EdnReader} returns it: exactly one array, sized to the
 * elements, nulls allowed. Why not {@code Collections.unmodifiableList(new ArrayList<>(…))}: a
 * ten-million-op history holds tens of millions of small tuples ({@code [key value]}), and three
 * objects with spare capacity per tuple cost about a gigabyte more heap. Equality and hash are
 * {@link java.util.List}'s, so values compare equal to any other list with the same elements.
 */
final class EdnVector extends AbstractList<Object> implements RandomAccess {
  private final Object[] elements;

  /** Takes ownership of {@code elements}. */
  EdnVector(Object[] elements) {
    this.elements = elements;
  }

  @Override
  public Object get(int index) {
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }
}
