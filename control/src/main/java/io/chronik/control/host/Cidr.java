package io.chronik.control.host;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 network in CIDR notation. IPv4 only: the lab and every inventory we support are IPv4, and
 * an IPv6 target is refused by {@link AddressGuard} rather than half-checked.
 */
public record Cidr(int network, int prefixLength) {

  public Cidr {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix-length=" + prefixLength + " reason=out-of-range");
    }
    network = network & mask(prefixLength);
  }

  /** Parses {@code a.b.c.d/n} or a bare address (a /32). */
  public static Cidr parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    int prefix = slash < 0 ? 32 : Integer.parseInt(trimmed.substring(slash + 1));
    return new Cidr(toInt(parseLiteral(address)), prefix);
  }

  public static Cidr of(Inet4Address address, int prefixLength) {
    return new Cidr(toInt(address), prefixLength);
  }

  /** Parses a dotted-quad literal without any name lookup. */
  public static Inet4Address parseLiteral(String dotted) {
    String[] parts = dotted.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("address=" + dotted + " reason=not-an-ipv4-literal");
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int octet;
      try {
        octet = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("address=" + dotted + " reason=not-an-ipv4-literal", e);
      }
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException("address=" + dotted + " reason=octet-out-of-range");
      }
      bytes[i] = (byte) octet;
    }
    try {
      return (Inet4Address) InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always a valid address", e);
    }
  }

  static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  static int toInt(Inet4Address address) {
    byte[] b = address.getAddress();
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  public boolean contains(Inet4Address address) {
    return (toInt(address) & mask(prefixLength)) == network;
  }

  /** Two networks overlap exactly when the shorter prefix contains the other's network address. */
  public boolean overlaps(Cidr other) {
    int shorter = Math.min(prefixLength, other.prefixLength);
    return (network & mask(shorter)) == (other.network & mask(shorter));
  }

  /** The address {@code offset} places after the network address (offset 1 is the first host). */
  public Inet4Address host(int offset) {
    long hosts = 1L << (32 - prefixLength);
    if (offset <= 0 || offset >= hosts - 1) {
      throw new IllegalArgumentException("cidr=" + this + " offset=" + offset + " reason=not-a-host-address");
    }
    int value = network + offset;
    return parseLiteral(((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff)
        + "." + (value & 0xff));
  }

  public Inet4Address networkAddress() {
    return parseLiteral(((network >>> 24) & 0xff) + "." + ((network >>> 16) & 0xff) + "."
        + ((network >>> 8) & 0xff) + "." + (network & 0xff));
  }

  @Override
  public String toString() {
    return networkAddress().getHostAddress() + "/" + prefixLength;
  }
}
