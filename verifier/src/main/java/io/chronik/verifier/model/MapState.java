package io.chronik.verifier.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable small map (key → value) for key-value and multi-register states: parallel arrays,
 * copied on write, with an order-independent hash computed once. Histories touch tens of keys, where
 * a linear scan beats hashing; absent keys read as the model's default.
 */
final class MapState {
  static final MapState EMPTY = new MapState(new Object[0], new Object[0]);

  private final Object[] keys;
  private final Object[] values;
  private final int hash;

  private MapState(Object[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
    int h = 0;
    for (int i = 0; i < keys.length; i++) {
      h += keys[i].hashCode() * 0x9E3779B1 ^ values[i].hashCode();
    }
    this.hash = h;
  }

  Object get(Object key, Object absent) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return absent;
  }

  MapState put(Object key, Object value) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        if (values[i].equals(value)) {
          return this;
        }
        Object[] v = values.clone();
        v[i] = value;
        return new MapState(keys, v);
      }
    }
    Object[] k = Arrays.copyOf(keys, keys.length + 1);
    Object[] v = Arrays.copyOf(values, values.length + 1);
    k[keys.length] = key;
    v[keys.length] = value;
    return new MapState(k, v);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MapState other) || other.hash != hash || other.keys.length != keys.length) {
      return false;
    }
    if (other.keys == keys) {
      return Arrays.equals(values, other.values);
    }
    for (int i = 0; i < keys.length; i++) {
      if (!Objects.equals(values[i], other.get(keys[i], null))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      s.append(i == 0 ? "" : ", ").append(keys[i]).append(' ').append(values[i]);
    }
    return s.append('}').toString();
  }
}
