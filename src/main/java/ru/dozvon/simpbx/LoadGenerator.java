package ru.dozvon.simpbx;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The load generator ({@code bench/load.sh}, {@link LoadArgs#USAGE}): plays the PBX over TCP against a running
 * service. It is an AMI server the service connects to as to its Asterisk; once logged in, the service is sent
 * inbound calls at the chosen rate for the chosen time, a share of them missed. It prints the calls and missed calls
 * sent and, given the service's address and a token, how many deals the service made for the missed ones.
 */
public final class LoadGenerator {

  private LoadGenerator() {
  }

  public static void main(String[] args) throws Exception {
    LoadArgs a;
    try {
      a = LoadArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("load: " + e.getMessage());
      System.err.println(LoadArgs.USAGE);
      System.exit(2);
      return;
    }
    if (a.help()) {
      System.out.println(LoadArgs.USAGE);
      return;
    }
    System.exit(run(a, System.out));
  }

  /** Runs one load; 0 when every missed call became a deal (or deals were not counted), 1 otherwise. */
  public static int run(LoadArgs a, PrintStream out) throws Exception {
    SimPbx pbx = SimPbx.start(new SimPbx.Options(a.host(), a.port(), a.user(), a.secret(), a.operators(), a.shape(),
        a.ring(), a.talk()));
    try {
      out.printf(Locale.ROOT, "load: AMI server on %s:%d (user %s); waiting up to %d s for the service to log in%n",
          a.host(), pbx.port(), a.user(), a.waitConnect().toSeconds());
      if (!pbx.awaitListener(a.waitConnect())) {
        out.printf("load: nobody logged in (%d logins refused: check DOZVON_AMI_USER and DOZVON_AMI_SECRET)%n",
            pbx.refusedLogins());
        return 1;
      }
      Thread.sleep(1000); // the service's resync (CoreShowChannels, QueueStatus, phone lists) answered first
      long before = a.api() == null ? 0 : newestDealId(a);
      out.printf(Locale.ROOT, "load: the service logged in; playing %s calls/s for %s, %d %% missed (%s channels)%n",
          trim(a.rate()), describe(a.duration()), Math.round(a.missed() * 100), a.shape().name().toLowerCase());
      CallStream stream = CallStream.start(pbx, new CallStream.Plan(a.rate(), a.missed(), a.duration(), a.seed()));
      long lastReport = System.nanoTime();
      while (!stream.await(Duration.ofMillis(200))) {
        if (System.nanoTime() - lastReport > 5_000_000_000L) {
          lastReport = System.nanoTime();
          out.printf(Locale.ROOT, "load: %.0f s: %d calls, %d missed%n", stream.seconds(), stream.calls(),
              stream.missed());
        }
      }
      double seconds = stream.seconds();
      out.printf(Locale.ROOT, "load: sent %d calls, %d missed, %d answered in %.1f s (%.1f calls/s)%n",
          stream.calls(), stream.missed(), stream.calls() - stream.missed(), seconds, stream.calls() / seconds);
      long lastCallEnds = System.nanoTime() + a.ring().multipliedBy(3).toNanos() / 2 + a.talk().toNanos() * 3 / 2;
      while (pbx.liveChannels() > 0 && System.nanoTime() < lastCallEnds + 5_000_000_000L) {
        Thread.sleep(50);
      }
      if (a.api() == null) {
        return 0;
      }
      Set<String> missed = new HashSet<>();
      for (String n : stream.missedNumbers()) {
        missed.add("+7" + n.substring(n.length() - 10));
      }
      long ended = System.nanoTime();
      long deadline = ended + a.settle().toNanos();
      long made;
      while (true) {
        made = dealsFor(a, missed, before);
        if (made >= missed.size() || System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(500);
      }
      out.printf(Locale.ROOT, "load: deals the service made for the missed calls: %d of %d (counted %.1f s after"
          + " the last call ended)%n", made, missed.size(), (System.nanoTime() - ended) / 1e9);
      return made == missed.size() ? 0 : 1;
    } finally {
      pbx.close();
    }
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static JsonArray deals(LoadArgs a, String query) throws IOException, InterruptedException {
    URI uri = a.api().resolve("/api/deals?" + query);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + a.token()).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + r.statusCode() + " " + r.body());
    }
    return new JsonArray(r.body());
  }

  /** The newest deal's id before the load (deals above it are the load's). */
  private static long newestDealId(LoadArgs a) throws IOException, InterruptedException {
    JsonArray d = deals(a, "limit=1");
    return d.isEmpty() ? 0 : d.getJsonObject(0).getLong("id");
  }

  /** Deals from missed calls newer than {@code after} whose number is one of the load's missed numbers. */
  private static long dealsFor(LoadArgs a, Set<String> phones, long after) throws IOException, InterruptedException {
    long count = 0;
    Long beforeId = null;
    while (true) {
      JsonArray page = deals(a, "source=missed_call&limit=500" + (beforeId == null ? "" : "&beforeId=" + beforeId));
      if (page.isEmpty()) {
        return count;
      }
      for (int i = 0; i < page.size(); i++) {
        JsonObject d = page.getJsonObject(i);
        long id = d.getLong("id");
        if (id <= after) {
          return count;
        }
        JsonObject contact = d.getJsonObject("contact");
        if (contact != null && phones.contains(contact.getString("phone"))) {
          count++;
        }
        beforeId = id;
      }
    }
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.3f", d);
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
