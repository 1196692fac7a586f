package ru.dozvon.notify;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which hosts a manager's webhook may call (the {@code notify} section). By default only public addresses: a
 * webhook URL is typed in by staff, and one pointing at the service's own network (the database, the PBX, a
 * cloud metadata endpoint) would let that network be probed and posted to. Loopback, link-local, private,
 * unspecified and multicast addresses are refused, whether written literally or resolved from the name,
 * unless {@code webhook_allow_private} is set, or the host is listed in {@code webhook_allowed_hosts} (a name,
 * trusted whatever it resolves to, or an address or CIDR block, which lets those addresses through). Pure.
 *
 * @param allowPrivate every address is allowed (a private network where receivers live next to the service)
 * @param allowedNames host names allowed whatever they resolve to, lower case
 * @param allowedBlocks addresses allowed although not public
 */
public record WebhookPolicy(boolean allowPrivate, Set<String> allowedNames, List<Addresses.Block> allowedBlocks) {

  private static final Pattern NAME =
      Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
  private static final String HOW_TO_ALLOW = "webhooks may only call public addresses "
      + "(notify.webhook_allow_private or notify.webhook_allowed_hosts allow others)";

  public WebhookPolicy {
    allowedNames = Set.copyOf(allowedNames);
    allowedBlocks = List.copyOf(allowedBlocks);
  }

  public static WebhookPolicy defaults() {
    return new WebhookPolicy(false, Set.of(), List.of());
  }

  /** Parses the section as snakeyaml-engine loads it (or as an environment variable gives it); errors name the key. */
  public static WebhookPolicy fromMap(Map<String, Object> section) {
    if (section == null || section.isEmpty()) {
      return defaults();
    }
    for (String key : section.keySet()) {
      if (!Set.of("webhook_allow_private", "webhook_allowed_hosts").contains(key)) {
        throw new IllegalArgumentException("notify." + key
            + ": unknown key (expected webhook_allow_private, webhook_allowed_hosts)");
      }
    }
    Object allow = section.get("webhook_allow_private");
    boolean allowPrivate = false;
    if (allow instanceof Boolean b) {
      allowPrivate = b;
    } else if (allow != null && !String.valueOf(allow).isBlank()) {
      String v = String.valueOf(allow).strip().toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw new IllegalArgumentException("notify.webhook_allow_private: '" + allow
            + "' is not a yes/no value (expected true or false)");
      }
      allowPrivate = v.equals("true");
    }
    Set<String> names = new LinkedHashSet<>();
    List<Addresses.Block> blocks = new ArrayList<>();
    for (String entry : entries(section.get("webhook_allowed_hosts"))) {
      Optional<Addresses.Block> block = Addresses.Block.parse(entry);
      String name = normalise(entry);
      if (block.isPresent()) {
        blocks.add(block.get());
      } else if (NAME.matcher(name).matches() && !name.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
        names.add(name);
      } else {
        throw new IllegalArgumentException("notify.webhook_allowed_hosts: '" + entry + "' is not a host name, an "
            + "address or a CIDR block (expected e.g. hooks.internal, 10.1.2.3, 10.0.0.0/8, fd00::/8)");
      }
    }
    return new WebhookPolicy(allowPrivate, names, blocks);
  }

  /** A list written as a YAML list or as a comma-separated string (an environment variable). */
  private static List<String> entries(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> list) {
      list.forEach(o -> out.add(String.valueOf(o).strip()));
    } else if (v instanceof Map<?, ?>) {
      throw new IllegalArgumentException("notify.webhook_allowed_hosts: expected a list of hosts or CIDR blocks");
    } else if (v != null) {
      for (String s : String.valueOf(v).split(",")) {
        out.add(s.strip());
      }
    }
    out.removeIf(String::isEmpty);
    return out;
  }

  /** A host as compared: lower case, without a final dot (an IPv6 literal keeps its brackets). */
  static String normalise(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** True when the host's addresses need no look-up: anything goes, or the name is trusted. */
  public boolean trusts(String host) {
    return allowPrivate || allowedNames.contains(normalise(host));
  }

  /**
   * The refusal of a host judged on its text alone: a literal address that is not public, or a local name
   * ({@code localhost}, {@code *.localhost}); empty when it passes (a name then still has its addresses checked).
   */
  public Optional<String> refuseLiteral(String host) {
    if (trusts(host)) {
      return Optional.empty();
    }
    String h = normalise(host);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return Optional.of("the host " + h + " is a loopback name; " + HOW_TO_ALLOW);
    }
    return Addresses.literal(h).flatMap(a -> refuse(a, "the host " + h + " is "));
  }

  /** The refusal of the first address of {@code host} that may not be called, or empty when all may. */
  public Optional<String> refuseAddresses(String host, List<InetAddress> addresses) {
    if (trusts(host)) {
      return Optional.empty();
    }
    for (InetAddress a : addresses) {
      Optional<String> no = refuse(a, "the host " + normalise(host) + " resolves to " + a.getHostAddress() + ", ");
      if (no.isPresent()) {
        return no;
      }
    }
    return Optional.empty();
  }

  private Optional<String> refuse(InetAddress a, String prefix) {
    if (allowedBlocks.stream().anyMatch(b -> b.contains(a))) {
      return Optional.empty();
    }
    return Addresses.nonPublic(a).map(kind -> prefix + kind + "; " + HOW_TO_ALLOW);
  }

  @Override
  public String toString() {
    return "WebhookPolicy[allowPrivate=" + allowPrivate + ", allowedHosts=" + allowedNames + ", allowedBlocks="
        + allowedBlocks + "]";
  }
}
