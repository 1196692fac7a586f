package ru.dozvon.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The webhook rule on addresses and names, table by table: no look-up is made here. */
class WebhookPolicyTest {

  private static final WebhookPolicy STRICT = WebhookPolicy.defaults();

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1|a loopback address",
      "127.255.0.9|a loopback address",
      "[::1]|a loopback address",
      "169.254.169.254|a link-local address",
      "[fe80::1]|a link-local address",
      "[febf::1]|a link-local address",
      "10.0.0.1|a private address",
      "10.255.255.255|a private address",
      "172.16.0.1|a private address",
      "172.31.255.1|a private address",
      "192.168.1.1|a private address",
      "[fc00::1]|a private (unique local) address",
      "[fd12:3456::1]|a private (unique local) address",
      "[fec0::1]|a private (site-local) address",
      "0.0.0.0|an unspecified address",
      "0.1.2.3|an unspecified address",
      "[::]|an unspecified address",
      "224.0.0.1|a multicast address",
      "239.1.2.3|a multicast address",
      "[ff02::1]|a multicast address",
      "255.255.255.255|the broadcast address",
      "[::ffff:127.0.0.1]|a loopback address",
      "[::ffff:10.1.2.3]|a private address",
      "[::127.0.0.1]|a loopback address",
      "[::192.168.0.1]|a private address",
      "localhost|a loopback name",
      "LocalHost.|a loopback name",
      "api.localhost|a loopback name",
  })
  void aNonPublicHostIsRefusedOnItsText(String host, String kind) {
    assertThat(STRICT.refuseLiteral(host)).hasValueSatisfying(why -> {
      assertThat(why).contains(kind).contains("notify.webhook_allow_private");
    });
    assertThat(new WebhookPolicy(true, java.util.Set.of(), List.of()).refuseLiteral(host)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"8.8.8.8", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1", "100.64.0.1", "[2a00:1450::1]",
      "[fbff::1]", "[fe7f::1]", "bot.example.ru", "localhost.example.ru", "0177.0.0.1", "2130706433"})
  void aPublicAddressOrAnyNameIsLeftToItsAddresses(String host) {
    assertThat(STRICT.refuseLiteral(host)).isEmpty();
  }

  @Test
  void everyAddressANameResolvesToIsChecked() throws Exception {
    var publicOne = InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34});
    var privateOne = InetAddress.getByAddress(new byte[] {10, 0, 0, 5});
    assertThat(STRICT.refuseAddresses("bot.example.ru", List.of(publicOne))).isEmpty();
    assertThat(STRICT.refuseAddresses("bot.example.ru", List.of(publicOne, privateOne)))
        .hasValueSatisfying(why -> assertThat(why).startsWith("the host bot.example.ru resolves to 10.0.0.5, a private address"));
  }

  @Test
  void allowedHostsLetNamesAndBlocksThrough() throws Exception {
    WebhookPolicy p = WebhookPolicy.fromMap(Map.of("webhook_allowed_hosts",
        List.of("Hooks.Internal", "10.20.0.0/16", "127.0.0.1", "fd00::/8")));
    var inBlock = InetAddress.getByAddress(new byte[] {10, 20, 7, 1});
    var outside = InetAddress.getByAddress(new byte[] {10, 21, 0, 1});
    assertThat(p.trusts("hooks.internal.")).isTrue();
    assertThat(p.refuseAddresses("hooks.internal", List.of(outside))).as("a listed name, whatever it resolves to")
        .isEmpty();
    assertThat(p.refuseAddresses("crm.internal", List.of(inBlock))).isEmpty();
    assertThat(p.refuseAddresses("crm.internal", List.of(inBlock, outside))).isPresent();
    assertThat(p.refuseLiteral("127.0.0.1")).isEmpty();
    assertThat(p.refuseLiteral("127.0.0.2")).isPresent();
    assertThat(p.refuseLiteral("[fd00::5]")).isEmpty();
    assertThat(p.refuseLiteral("[fc00::5]")).isPresent();
    assertThat(p.refuseLiteral("localhost")).as("a name must be listed itself").isPresent();
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "webhook_allow_private|true|true",
      "webhook_allow_private|FALSE|false",
      "webhook_allow_private|''|false",
  })
  void allowPrivateIsTrueOrFalse(String key, String value, boolean expected) {
    assertThat(WebhookPolicy.fromMap(Map.of(key, value)).allowPrivate()).isEqualTo(expected);
    assertThat(WebhookPolicy.fromMap(Map.of(key, expected)).allowPrivate()).isEqualTo(expected);
  }

  @Test
  void aCommaListFromTheEnvironmentIsRead() {
    WebhookPolicy p = WebhookPolicy.fromMap(Map.of("webhook_allowed_hosts", " a.internal , 192.168.0.0/24,"));
    assertThat(p.allowedNames()).containsExactly("a.internal");
    assertThat(p.allowedBlocks()).hasSize(1);
    assertThat(p.allowedBlocks().get(0)).hasToString("192.168.0.0/24");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "webhook_allow_private|maybe|notify.webhook_allow_private: 'maybe' is not a yes/no value (expected true or false)",
      "webhook_allow_private|1|notify.webhook_allow_private: '1' is not a yes/no value",
      "webhook_allowed_hosts|10.0.0.0/33|notify.webhook_allowed_hosts: '10.0.0.0/33' is not a host name",
      "webhook_allowed_hosts|10.0.0.0/x|notify.webhook_allowed_hosts: '10.0.0.0/x' is not a host name",
      "webhook_allowed_hosts|http://x.ru|notify.webhook_allowed_hosts: 'http://x.ru' is not a host name",
      "webhook_allowed_hosts|300.1.1.1|notify.webhook_allowed_hosts: '300.1.1.1' is not a host name",
      "allow_private|true|notify.allow_private: unknown key",
  })
  void aBadValueNamesTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> WebhookPolicy.fromMap(Map.of(key, value)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
      "10.0.0.0/8, 10.200.1.1, true",
      "10.0.0.0/8, 11.0.0.1, false",
      "172.16.0.0/12, 172.31.0.1, true",
      "172.16.0.0/12, 172.32.0.1, false",
      "192.168.1.7, 192.168.1.7, true",
      "192.168.1.7, 192.168.1.8, false",
      "0.0.0.0/0, 8.8.8.8, true",
      "fd00::/8, fdff::1, true",
      "fd00::/8, fc00::1, false",
      "fd00::/8, 10.0.0.1, false",
  })
  void blocksContainTheirAddresses(String block, String address, boolean expected) {
    var b = Addresses.Block.parse(block).orElseThrow();
    assertThat(b.contains(Addresses.literal(address).orElseThrow())).isEqualTo(expected);
  }
}
