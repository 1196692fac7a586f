package ru.dozvon.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.deals.FunnelFixture;

/**
 * Managers' webhooks call public addresses only, unless the settings allow others: checked when the URL is set
 * (on its text and on what its name resolves to) and again before each delivery, against a real receiver on
 * this machine (a loopback address, so refused by default).
 */
class WebhookAddressTest {

  static final AtomicInteger EXTENSIONS = new AtomicInteger(600);

  /** Default settings: private addresses refused. */
  static FunnelFixture strict;
  /** {@code DOZVON_WEBHOOK_ALLOWED_HOSTS=127.0.0.1}: that one address allowed. */
  static FunnelFixture allowing;

  HttpServer receiver;
  final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    strict = new FunnelFixture();
    allowing = new FunnelFixture(Map.of("DOZVON_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    strict.close();
    allowing.close();
  }

  @BeforeEach
  void listen() throws Exception {
    receiver = strict.t.app.vertx().createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      received.add(req.getHeader("Host") + " " + b);
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    receiver.close().await(10, TimeUnit.SECONDS);
  }

  static long manager(FunnelFixture f) {
    int ext = EXTENSIONS.incrementAndGet();
    return f.t.createManager("W" + ext, String.valueOf(ext), 10).getLong("id");
  }

  static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> setWebhook(FunnelFixture f, long id,
                                                                                      String url) {
    return await(f.t.patch("/api/managers/" + id, ADMIN_TOKEN).sendJsonObject(new JsonObject().put("webhookUrl", url)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "http://127.0.0.1:8080/hook|the host 127.0.0.1 is a loopback address",
      "http://[::1]:8080/hook|the host [::1] is a loopback address",
      "https://localhost/hook|the host localhost is a loopback name",
      "http://169.254.169.254/latest/meta-data|the host 169.254.169.254 is a link-local address",
      "http://10.1.2.3/hook|the host 10.1.2.3 is a private address",
      "http://172.20.0.5/hook|the host 172.20.0.5 is a private address",
      "http://192.168.0.10/hook|the host 192.168.0.10 is a private address",
      "http://[fd00::7]/hook|the host [fd00::7] is a private (unique local) address",
      "http://0.0.0.0:5432/|the host 0.0.0.0 is an unspecified address",
      "http://224.0.0.251/|the host 224.0.0.251 is a multicast address",
      "http://2130706433:8080/hook|the host 2130706433 resolves to 127.0.0.1, a loopback address",
  })
  void aWebhookToANonPublicHostIs400NamingTheFieldAndWhy(String url, String why) {
    long id = manager(strict);
    var r = setWebhook(strict, id, url);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("webhookUrl");
    assertThat(r.bodyAsJsonObject().getString("detail")).contains(why).contains("notify.webhook_allow_private");
    var stored = strict.query("SELECT webhook_url FROM managers WHERE id = $1", id).iterator().next();
    assertThat(stored.getString("webhook_url")).isNull();
  }

  /** This machine's own name resolves to one of its addresses: loopback or a private network, both refused. */
  @Test
  void aNameThatResolvesToThisMachineIsRefused() throws Exception {
    String name = InetAddress.getLocalHost().getHostName();
    List<InetAddress> addresses = Arrays.asList(InetAddress.getAllByName(name));
    assumeTrue(addresses.stream().anyMatch(a -> Addresses.nonPublic(a).isPresent())
        && Addresses.literal(name).isEmpty(), "this machine's name resolves to a public address");
    var r = setWebhook(strict, manager(strict), "http://" + name + ":8080/hook");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("detail")).contains("the host " + name.toLowerCase() + " resolves to ");
  }

  @Test
  void aPublicAddressAndANameThatDoesNotResolveYetAreAccepted() {
    long id = manager(strict);
    assertThat(setWebhook(strict, id, "https://93.184.216.34/hook").statusCode()).isEqualTo(200);
    // .invalid never resolves (RFC 6761): nothing can be told of it now; every delivery checks it again
    var r = setWebhook(strict, id, "https://bot.dozvon.invalid/hook");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("webhookUrl")).isEqualTo("https://bot.dozvon.invalid/hook");
  }

  /** The URL was fine when set; its host is refused now (DNS changed): the message is not sent, and failed for good. */
  @Test
  void aDeliveryToARefusedAddressIsNotSentAndMarkedFailed() throws Exception {
    long id = manager(strict);
    String url = "http://localhost:" + receiver.actualPort() + "/bot";
    long outboxId = strict.query("""
        INSERT INTO outbox (topic, target_url, payload, next_try_at, manager_id)
        VALUES ('task.overdue', $1, '{"topic":"task.overdue"}', '2000-01-01T00:00:00Z', $2) RETURNING id""",
        url, id).iterator().next().getLong(0);

    strict.t.app.outbox().drain().await(30, TimeUnit.SECONDS);

    var row = strict.query("SELECT attempts, failed_at, delivered_at, last_error FROM outbox WHERE id = $1", outboxId)
        .iterator().next();
    assertThat(row.getOffsetDateTime("failed_at")).isNotNull();
    assertThat(row.getOffsetDateTime("delivered_at")).isNull();
    assertThat(row.getString("last_error"))
        .startsWith("not sent: the host localhost is a loopback name; webhooks may only call public addresses");
    strict.clock.set(strict.clock.instant().plus(Duration.ofDays(2)));
    strict.t.app.outbox().drain().await(30, TimeUnit.SECONDS);
    assertThat(strict.query("SELECT attempts FROM outbox WHERE id = $1", outboxId).iterator().next().getInteger(0))
        .as("not tried again").isEqualTo(row.getInteger("attempts"));
    assertThat(received).isEmpty();
  }

  /**
   * An allowed address is called, and the request goes to the address that was checked: the host here is a
   * number only Java's resolver reads as 127.0.0.1, and the Host header stays the URL's.
   */
  @Test
  void anAllowedAddressIsDeliveredToTheAddressChecked() throws Exception {
    long id = manager(allowing);
    String host = "2130706433:" + receiver.actualPort();
    var r = setWebhook(allowing, id, "http://" + host + "/bot");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(setWebhook(allowing, manager(allowing), "http://127.0.0.2/bot").statusCode())
        .as("only the address listed").isEqualTo(400);
    long deal = allowing.newDeal(null);
    var assigned = allowing.post("/api/deals/" + deal + "/assign", ADMIN_TOKEN,
        new JsonObject().put("managerId", id).put("reason", "webhook test"));
    assertThat(assigned.statusCode()).as(assigned.bodyAsString()).isEqualTo(200);

    assertThat(allowing.t.app.outbox().drain().await(30, TimeUnit.SECONDS)).isEqualTo(1);

    assertThat(received).hasSize(1);
    assertThat(received.get(0)).startsWith(host + " ").contains("deal.assigned").contains("\"dealId\":" + deal);
  }
}
