package ru.dozvon.simpbx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.support.TestApp;

/** The load generator's command line, and one short run against the real service. */
class LoadGeneratorTest {

  @Test
  void theDocumentedCommandParses() {
    LoadArgs a = LoadArgs.parse("--host", "127.0.0.1", "--port", "5038", "--rate", "100", "--missed", "0.3",
        "--duration", "60");
    assertThat(a.port()).isEqualTo(5038);
    assertThat(a.rate()).isEqualTo(100);
    assertThat(a.missed()).isEqualTo(0.3);
    assertThat(a.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(a.api()).isNull();
    LoadArgs b = LoadArgs.parse("--duration=2m", "--ring", "500ms", "--shape", "mixed", "--operators", "201,202",
        "--api", "http://127.0.0.1:8080", "--token", "t0ken-of-the-admin");
    assertThat(b.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(b.ring()).isEqualTo(Duration.ofMillis(500));
    assertThat(b.shape()).isEqualTo(Shape.MIXED);
    assertThat(b.operators()).containsExactly("201", "202");
    assertThat(b.api().getPort()).isEqualTo(8080);
    assertThat(LoadArgs.parse("--help").help()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --rate abc                        | --rate 'abc': expected calls per second
      --rate 0                          | --rate '0': expected calls per second, above 0
      --missed 1.5                      | --missed '1.5': expected a share from 0 to 1
      --missed -0.1                     | --missed '-0.1': expected a share from 0 to 1
      --port 70000                      | --port '70000': expected a port number 0-65535
      --duration soon                   | --duration 'soon': expected seconds (60) or a duration
      --duration 0                      | --duration '0': out of range
      --shape sip                       | --shape 'sip': expected pjsip, local or mixed
      --operators 101,x                 | --operators '101,x': expected extensions of 2 to 6 digits
      --api ftp://x                     | --api 'ftp://x': expected the service's address
      --api http://127.0.0.1:8080       | --api needs --token
      --token abc                       | --token is only used with --api
      --rate                            | --rate: a value is missing
      --speed 3                         | --speed: unknown option
      """)
  void aBadArgumentIsRefusedNamingItAndWhatWasExpected(String args, String message) {
    assertThatThrownBy(() -> LoadArgs.parse(args.split(" ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void aShortLoadAgainstTheRealServiceMakesADealPerMissedCall() throws Exception {
    int amiPort = freePort();
    int httpPort = freePort();
    LoadArgs a = LoadArgs.parse("--port", Integer.toString(amiPort), "--rate", "6", "--missed", "0.5",
        "--duration", "2", "--ring", "200ms", "--talk", "200ms", "--api", "http://127.0.0.1:" + httpPort,
        "--token", TestApp.ADMIN_TOKEN, "--secret", "load-secret-1", "--settle", "30", "--seed", "11");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
      try {
        return LoadGenerator.run(a, out);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // a patient keep-alive: on a loaded 2-core machine a starved client may miss a 5 s pong, and a connection
    // replaced loses the calls still unread in its socket (as with a real PBX); that is not what is tested here
    java.nio.file.Path yaml = java.nio.file.Files.createTempFile("load-test", ".yaml");
    java.nio.file.Files.writeString(yaml, "ami: {pingInterval: 20s, pingTimeout: 20s, socketReadTimeout: 60s}\n");
    try (TestApp t = TestApp.start(Map.of("DOZVON_CONFIG", yaml.toString(),
        "DOZVON_HTTP_PORT", Integer.toString(httpPort),
        "DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", Integer.toString(amiPort), "DOZVON_AMI_USER", "dozvon",
        "DOZVON_AMI_SECRET", "load-secret-1"))) {
      int code = run.get(120, TimeUnit.SECONDS);
      String printed = bytes.toString(StandardCharsets.UTF_8);
      assertThat(code).as(printed).isZero();
      Matcher sent = Pattern.compile("sent (\\d+) calls, (\\d+) missed, (\\d+) answered").matcher(printed);
      assertThat(sent.find()).as(printed).isTrue();
      assertThat(Integer.parseInt(sent.group(1))).isEqualTo(12);
      int missed = Integer.parseInt(sent.group(2));
      assertThat(missed).isBetween(1, 11);
      assertThat(printed).contains("deals the service made for the missed calls: " + missed + " of " + missed);
      long deals = t.app.pool().query("SELECT count(*) FROM deals WHERE source = 'missed_call'").execute()
          .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
      assertThat(deals).isEqualTo(missed);
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
