package ru.dozvon.simpbx;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import ru.dozvon.time.Durations;

/**
 * The load generator's command line ({@code bench/load.sh --port 5038 --rate 100 --missed 0.3 --duration 60}).
 * Every bad argument is refused with a message naming it, its value and what was expected.
 *
 * @param api the service's HTTP address to count its deals at the end (null: not counted)
 * @param token a staff bearer token for {@code api}
 * @param waitConnect how long to wait for the service to log in before giving up
 * @param settle how long to wait at the end for the deals of the last calls
 */
public record LoadArgs(String host, int port, String user, String secret, double rate, double missed,
                       Duration duration, Shape shape, Duration ring, Duration talk, List<String> operators, URI api,
                       String token, Duration waitConnect, Duration settle, long seed, boolean help) {

  public static final String USAGE = """
      usage: bench/load.sh [--host 127.0.0.1] [--port 5038] [--user dozvon] [--secret load-secret]
                           [--rate 100] [--missed 0.3] [--duration 60] [--shape pjsip|local|mixed]
                           [--ring 1s] [--talk 1s] [--operators 101,102,103]
                           [--api http://127.0.0.1:8080 --token TOKEN] [--wait-connect 120] [--settle 30] [--seed N]
        Listens as an Asterisk AMI server; once the service has logged in (DOZVON_AMI_HOST/PORT/USER/SECRET pointed
        here), plays --rate inbound calls a second for --duration seconds, --missed of them missed, and prints the
        calls and missed calls sent; with --api and --token, also how many deals the service made for them.
        Durations: seconds (60) or 60s, 2m, 500ms.""";

  /** Parses the arguments; throws {@link IllegalArgumentException} naming the first bad one. */
  public static LoadArgs parse(String... args) {
    String host = "127.0.0.1";
    int port = 5038;
    String user = "dozvon";
    String secret = "load-secret";
    double rate = 100;
    double missed = 0.3;
    Duration duration = Duration.ofSeconds(60);
    Shape shape = Shape.PJSIP;
    Duration ring = Duration.ofSeconds(1);
    Duration talk = Duration.ofSeconds(1);
    List<String> operators = List.of("101", "102", "103");
    URI api = null;
    String token = null;
    Duration waitConnect = Duration.ofSeconds(120);
    Duration settle = Duration.ofSeconds(30);
    long seed = System.nanoTime();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--help") || name.equals("-h")) {
        help = true;
        continue;
      }
      String value;
      int eq = name.indexOf('=');
      if (name.startsWith("--") && eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + ": a value is missing");
        }
        value = args[++i];
      }
      switch (name) {
        case "--host" -> host = nonEmpty(name, value);
        case "--port" -> port = (int) number(name, value, 0, 65535, true, "a port number 0-65535");
        case "--user" -> user = nonEmpty(name, value);
        case "--secret" -> secret = nonEmpty(name, value);
        case "--rate" -> rate = number(name, value, 0.001, 20_000, false,
            "calls per second, above 0 and at most 20000");
        case "--missed" -> missed = number(name, value, 0, 1, false, "a share from 0 to 1 (0.3 = 30 %)");
        case "--duration" -> duration = duration(name, value, Duration.ofMillis(1));
        case "--shape" -> {
          try {
            shape = Shape.parse(value);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " " + e.getMessage());
          }
        }
        case "--ring" -> ring = duration(name, value, Duration.ZERO);
        case "--talk" -> talk = duration(name, value, Duration.ZERO);
        case "--operators" -> {
          List<String> ops = new ArrayList<>();
          for (String e : value.split(",")) {
            if (!e.strip().matches("\\d{2,6}")) {
              throw new IllegalArgumentException(name + " '" + value + "': expected extensions of 2 to 6 digits,"
                  + " comma separated (101,102)");
            }
            ops.add(e.strip());
          }
          operators = List.copyOf(ops);
        }
        case "--api" -> {
          try {
            api = URI.create(value);
          } catch (IllegalArgumentException e) {
            api = null;
          }
          if (api == null || !("http".equals(api.getScheme()) || "https".equals(api.getScheme()))
              || api.getHost() == null) {
            throw new IllegalArgumentException(name + " '" + value + "': expected the service's address, e.g."
                + " http://127.0.0.1:8080");
          }
        }
        case "--token" -> token = nonEmpty(name, value);
        case "--wait-connect" -> waitConnect = duration(name, value, Duration.ofSeconds(1));
        case "--settle" -> settle = duration(name, value, Duration.ZERO);
        case "--seed" -> seed = (long) number(name, value, Long.MIN_VALUE, Long.MAX_VALUE, true, "a whole number");
        default -> throw new IllegalArgumentException(name + ": unknown option (see --help)");
      }
    }
    if (api != null && token == null) {
      throw new IllegalArgumentException("--api needs --token (a staff bearer token, e.g. the admin's)");
    }
    if (token != null && api == null) {
      throw new IllegalArgumentException("--token is only used with --api");
    }
    return new LoadArgs(host, port, user, secret, rate, missed, duration, shape, ring, talk, operators, api, token,
        waitConnect, settle, seed, help);
  }

  private static String nonEmpty(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + ": empty value");
    }
    return value;
  }

  private static double number(String name, String value, double min, double max, boolean whole, String expected) {
    try {
      double d = whole ? Long.parseLong(value.strip()) : Double.parseDouble(value.strip());
      if (d >= min && d <= max && !Double.isNaN(d)) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " '" + value + "': expected " + expected);
  }

  private static Duration duration(String name, String value, Duration min) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      d = v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " '" + value + "': expected seconds (60) or a duration such as"
          + " 60s, 2m, 500ms");
    }
    if (d.compareTo(min) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(name + " '" + value + "': out of range (expected " + Durations.describe(min)
          + " to 1 day)");
    }
    return d;
  }
}
