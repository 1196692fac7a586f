package ru.dozvon.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP addresses as the webhook rule sees them: literals parsed without any name lookup, the kinds of address a
 * webhook may not call (loopback, link-local, private, unspecified, multicast), and CIDR blocks. Pure: no I/O
 * ({@link InetAddress#getByAddress} and bracketed IPv6 literals never look a name up).
 */
public final class Addresses {

  /** Four decimal octets without leading zeros: the one IPv4 form every resolver reads alike. */
  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})");

  private Addresses() {
  }

  /** The address written literally in a host (IPv6 with or without brackets), or empty for a name. */
  static Optional<InetAddress> literal(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    var quad = DOTTED_QUAD.matcher(h);
    try {
      if (quad.matches()) {
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(quad.group(i + 1));
          if (octet > 255) {
            return Optional.empty();
          }
          b[i] = (byte) octet;
        }
        return Optional.of(InetAddress.getByAddress(b));
      }
      if (h.contains(":")) {
        // In brackets InetAddress accepts only an IPv6 literal: no lookup is ever made.
        return Optional.of(InetAddress.getByName("[" + h + "]"));
      }
    } catch (UnknownHostException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Why an address is not a public one ("a loopback address"), or empty for a public address. An IPv4 address
   * embedded in IPv6 (IPv4-compatible {@code ::a.b.c.d}; IPv4-mapped ones arrive as IPv4 already) is judged
   * as that IPv4 address.
   */
  static Optional<String> nonPublic(InetAddress a) {
    if (a instanceof Inet6Address && isIpv4Compatible(a.getAddress())) {
      byte[] b = a.getAddress();
      try {
        return nonPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    byte[] b = a.getAddress();
    int first = b[0] & 0xff;
    if (a.isAnyLocalAddress() || a instanceof Inet4Address && first == 0) {
      return Optional.of("an unspecified address");
    }
    if (a.isLoopbackAddress()) {
      return Optional.of("a loopback address");
    }
    if (a.isLinkLocalAddress()) {
      return Optional.of("a link-local address");
    }
    if (a.isMulticastAddress()) {
      return Optional.of("a multicast address");
    }
    if (a instanceof Inet4Address && (first == 10 || first == 172 && (b[1] & 0xf0) == 16
        || first == 192 && (b[1] & 0xff) == 168)) {
      return Optional.of("a private address");
    }
    if (a instanceof Inet4Address && Arrays.equals(b, new byte[] {-1, -1, -1, -1})) {
      return Optional.of("the broadcast address");
    }
    if (a instanceof Inet6Address && (first & 0xfe) == 0xfc) {
      return Optional.of("a private (unique local) address");
    }
    if (a instanceof Inet6Address && a.isSiteLocalAddress()) {
      return Optional.of("a private (site-local) address");
    }
    return Optional.empty();
  }

  /** {@code ::a.b.c.d} (the first 96 bits zero), but not {@code ::} or {@code ::1}, which are their own kinds. */
  private static boolean isIpv4Compatible(byte[] b) {
    for (int i = 0; i < 12; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[12] | b[13] | b[14]) != 0 || (b[15] & 0xff) > 1;
  }

  /** A CIDR block, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one. */
  public record Block(byte[] network, int prefix) {

    /** The block written, or empty when it is not one. */
    public static Optional<Block> parse(String text) {
      int slash = text.indexOf('/');
      Optional<InetAddress> address = literal(slash < 0 ? text : text.substring(0, slash));
      if (address.isEmpty()) {
        return Optional.empty();
      }
      byte[] bytes = address.get().getAddress();
      int prefix = bytes.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
          return Optional.empty();
        }
      }
      return Optional.of(new Block(bytes, prefix));
    }

    public boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >> (bit % 8);
        if ((b[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Block other && prefix == other.prefix && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
      } catch (UnknownHostException e) {
        return Arrays.toString(network) + "/" + prefix;
      }
    }
  }
}
