package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.telephony.AmiTestSupport.SECRET;
import static ru.dozvon.telephony.AmiTestSupport.USER;
import static ru.dozvon.telephony.AmiTestSupport.settings;
import static ru.dozvon.telephony.AmiTestSupport.until;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.CoreShowChannelsCompleteEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.QueueEntryEvent;
import org.asteriskjava.manager.event.QueueParamsEvent;
import org.asteriskjava.manager.event.QueueStatusCompleteEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import ru.dozvon.telephony.testami.AmiMessage;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.TestAmiServer.OriginateOutcome;
import ru.dozvon.telephony.testami.Transcript;

@ExtendWith(VertxExtension.class)
class AmiClientTest {

  private static final Transcript MISSED = Transcript.load("ami/missed.ami");

  private TestAmiServer server;
  private Recorder<ManagerEvent> rec;
  private AmiClient<ManagerEvent> client;
  private PrometheusMeterRegistry registry;

  @BeforeEach
  void setUp() {
    server = TestAmiServer.start(USER, SECRET);
    rec = new Recorder<>();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @AfterEach
  void tearDown(VertxTestContext tc) {
    Future<Void> stopped = client == null ? Future.succeededFuture() : client.stop();
    stopped.onComplete(ar -> {
      server.close();
      tc.completeNow();
    });
  }

  /** Starts the client from inside a context, so the recorder can check every call lands there. */
  private Future<Void> start(Vertx vertx, AmiSettings s) {
    client = new AmiClient<>(vertx, s, e -> e, rec, registry);
    Context ctx = vertx.getOrCreateContext();
    rec.expected = ctx;
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(v -> client.start().onComplete(p));
    return p.future();
  }

  private Future<Void> connected(Vertx vertx, int connects, int resyncs) {
    return until(vertx, connects + " connects and " + resyncs + " resyncs", 5000,
        () -> client.state() == AmiState.CONNECTED && rec.connects.get() == connects && rec.resyncs.get() == resyncs);
  }

  @Test
  void connectsLogsInAndResyncsThenLogsOffOnStop(Vertx vertx, VertxTestContext tc) {
    server.addLiveChannel(java.util.Map.of("Channel", "PJSIP/pstn-trunk-0000000a", "Uniqueid", "1795551887.0",
        "Linkedid", "1795551887.0", "Context", "from-trunk", "Exten", "74951234567", "ChannelState", "4",
        "ChannelStateDesc", "Ring", "CallerIDNum", "+79161234567", "Duration", "00:00:07"));
    server.addQueueParams(java.util.Map.of("Queue", "support", "Max", "0", "Calls", "1"));
    server.addQueueEntry(java.util.Map.of("Queue", "support", "Position", "1", "Channel", "PJSIP/pstn-trunk-0000000a",
        "Uniqueid", "1795551887.0", "CallerIDNum", "+79161234567", "Wait", "5"));
    assertThat(client).isNull();
    start(vertx, settings(server))
        .compose(v -> {
          tc.verify(() -> assertThat(client.state()).isIn(AmiState.CONNECTING, AmiState.CONNECTED));
          return connected(vertx, 1, 1);
        })
        .compose(v -> {
          tc.verify(() -> {
            assertThat(client.lastError()).isNull();
            assertThat(server.countActions("CoreShowChannels")).isEqualTo(1);
            assertThat(server.countActions("QueueStatus")).isEqualTo(1);
            assertThat(rec.count(CoreShowChannelEvent.class)).isEqualTo(1);
            assertThat(rec.count(CoreShowChannelsCompleteEvent.class)).isEqualTo(1);
            assertThat(rec.count(QueueParamsEvent.class)).isEqualTo(1);
            assertThat(rec.count(QueueEntryEvent.class)).isEqualTo(1);
            CoreShowChannelEvent ch = (CoreShowChannelEvent) rec.events.stream()
                .filter(CoreShowChannelEvent.class::isInstance).findFirst().orElseThrow();
            assertThat(ch.getLinkedid()).isEqualTo("1795551887.0");
            // onConnected first, then the resync answers, then the end-of-resync signal
            assertThat(rec.calls.get(0)).isEqualTo("connected");
            assertThat(rec.calls.get(rec.calls.size() - 1)).isEqualTo("resynced");
            assertThat(rec.offContext.get()).isZero();
            // our resync ActionIDs went out and came back (Asterisk-Java prefixes its own id)
            assertThat(server.actions().stream().filter(m -> m.is("CoreShowChannels")).findFirst()
                .orElseThrow().actionId()).endsWith("#dozvon-resync-1-channels");
          });
          return client.stop();
        })
        .compose(v -> until(vertx, "Logoff received", 2000, () -> server.countActions("Logoff") == 1))
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(client.state()).isEqualTo(AmiState.DISABLED);
          assertThat(rec.disconnectReasons).containsExactly("stopped");
          tc.completeNow();
        })));
  }

  @Test
  void everyEventOfTheTranscriptArrivesInOrderInFewBatches(Vertx vertx, VertxTestContext tc) {
    server.replayOnLogin(MISSED);
    start(vertx, settings(server))
        .compose(v -> until(vertx, "all Hangups", 5000, () -> rec.count(HangupEvent.class) == 4 && rec.resyncs.get() == 1))
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          List<String> expected = new ArrayList<>();
          for (int i = 0; i < MISSED.size(); i++) {
            expected.add(MISSED.eventType(i).toLowerCase(Locale.ROOT));
          }
          Set<String> types = Set.copyOf(expected);
          // Asterisk-Java adds a legacy DialEvent per DialBegin, and the resync answers come too: keep the transcript's types
          List<String> delivered = rec.events.stream().map(AmiClientTest::amiName).filter(types::contains)
              .collect(Collectors.toList());
          assertThat(delivered).containsExactlyElementsOf(expected);
          assertThat(rec.batches.get()).isLessThan(rec.events.size());
          assertThat(rec.offContext.get()).isZero();
          String scrape = registry.scrape();
          assertThat(scrape).contains("dozvon_ami_events_total{type=\"HangupEvent\"} 4.0");
          assertThat(scrape).contains("dozvon_ami_connected 1.0");
          assertThat(scrape).contains("dozvon_ami_dropped_events_total 0.0");
          tc.completeNow();
        })));
  }

  @Test
  void eventLagIsMeasuredWhenThePbxStampsEvents(Vertx vertx, VertxTestContext tc) {
    Transcript pjsip = Transcript.load("ami/pjsip/missed.ami");
    server.replayOnLogin(pjsip);
    long stamped = pjsip.events().stream().filter(b -> new String(b).contains("\r\nTimestamp: ")).count();
    start(vertx, settings(server))
        .compose(v -> until(vertx, "lag samples", 5000,
            () -> registry.find("dozvon.ami.event.lag").timer() != null
                && registry.find("dozvon.ami.event.lag").timer().count() >= stamped))
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(stamped).isGreaterThan(10);
          assertThat(registry.scrape()).contains("dozvon_ami_event_lag_seconds_count");
          tc.completeNow();
        })));
  }

  @Test
  void wrongCredentialsAreRetriedWithBackoffLoggedOnceAndRecoverWhenAccepted(Vertx vertx, VertxTestContext tc) {
    LogCapture logs = LogCapture.attach();
    List<Long> loginTimes = new CopyOnWriteArrayList<>();
    server.onAction(m -> {
      if (m.is("Login")) {
        loginTimes.add(System.nanoTime());
      }
    });
    server.credentials(USER, "another-secret");
    start(vertx, settings(server))
        .compose(v -> until(vertx, "4 refused logins", 5000, () -> server.refusedLogins() >= 4))
        .compose(v -> {
          tc.verify(() -> {
            assertThat(client.state()).isEqualTo(AmiState.CONNECTING);
            assertThat(client.lastError()).contains("authentication failed for user 'crm'")
                .doesNotContain(SECRET);
            // backoff 50, 100, 200 ms between the attempts: no tight loop
            long gap12 = (loginTimes.get(2) - loginTimes.get(1)) / 1_000_000;
            long gap23 = (loginTimes.get(3) - loginTimes.get(2)) / 1_000_000;
            assertThat(gap12).isGreaterThanOrEqualTo(100);
            assertThat(gap23).isGreaterThanOrEqualTo(200);
            assertThat(logs.errorsContaining("authentication failed")).isEqualTo(1);
            assertThat(rec.connects.get()).isZero();
          });
          server.credentials(USER, SECRET);
          return connected(vertx, 1, 1);
        })
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(client.lastError()).isNull();
          assertThat(logs.anyContains(SECRET)).isFalse();
          logs.detach();
          tc.completeNow();
        })));
  }

  @Test
  void serverDeathIsFollowedByReconnectOnConnectedAgainAndAFreshResync(Vertx vertx, VertxTestContext tc) {
    start(vertx, settings(server))
        .compose(v -> connected(vertx, 1, 1))
        .compose(v -> {
          server.stopListening();
          return until(vertx, "disconnect noticed", 3000,
              () -> rec.disconnectReasons.size() == 1 && client.state() == AmiState.CONNECTING);
        })
        .compose(v -> until(vertx, "a failed reconnect", 3000, () -> client.lastError() != null
            && client.lastError().startsWith("cannot connect")))
        .compose(v -> {
          tc.verify(() -> assertThat(registry.scrape()).contains("dozvon_ami_connected 0.0"));
          server.restart();
          return connected(vertx, 2, 2);
        })
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(server.countActions("CoreShowChannels")).isEqualTo(2);
          assertThat(server.countActions("QueueStatus")).isEqualTo(2);
          assertThat(rec.calls).containsSubsequence("connected", "resynced", "disconnected", "connected", "resynced");
          assertThat(registry.scrape()).contains("dozvon_ami_reconnects_total 1.0");
          assertThat(rec.offContext.get()).isZero();
          tc.completeNow();
        })));
  }

  @Test
  void halfOpenSocketIsNoticedByPingTimeoutAndReplaced(Vertx vertx, VertxTestContext tc) {
    long[] stoppedAt = new long[1];
    start(vertx, settings(server))
        .compose(v -> connected(vertx, 1, 1))
        .compose(v -> {
          server.answerPings(false);
          stoppedAt[0] = System.nanoTime();
          return until(vertx, "ping timeout", 3000, () -> rec.disconnectReasons.size() == 1);
        })
        .compose(v -> {
          long tookMs = (System.nanoTime() - stoppedAt[0]) / 1_000_000;
          tc.verify(() -> {
            assertThat(rec.disconnectReasons.get(0)).contains("no answer to Ping within 200 ms");
            // pingInterval + pingTimeout = 400 ms, plus scheduling slack on a busy 2-core machine
            assertThat(tookMs).isLessThan(400 + 600);
          });
          server.answerPings(true);
          return connected(vertx, 2, 2);
        })
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(server.acceptedLogins()).isEqualTo(2);
          tc.completeNow();
        })));
  }

  @Test
  void eventTypesNeverReadAreNeitherBuiltNorDispatchedAndTheRestArrivesInOrder(Vertx vertx, VertxTestContext tc) {
    server.replayOnLogin(MISSED);
    client = new AmiClient<>(vertx, settings(server), e -> e, rec, registry, OwnedConnection.NEVER_READ);
    Context ctx = vertx.getOrCreateContext();
    rec.expected = ctx;
    Promise<Void> started = Promise.promise();
    ctx.runOnContext(v -> client.start().onComplete(started));
    started.future()
        .compose(v -> until(vertx, "all Hangups", 5000, () -> rec.count(HangupEvent.class) == 4 && rec.resyncs.get() == 1))
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          Set<String> never = OwnedConnection.NEVER_READ.stream().map(c -> c.getSimpleName()
              .replaceAll("Event$", "").toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
          List<String> expected = new ArrayList<>();
          for (int i = 0; i < MISSED.size(); i++) {
            String type = MISSED.eventType(i).toLowerCase(Locale.ROOT);
            if (!never.contains(type)) {
              expected.add(type);
            }
          }
          assertThat(expected.size()).as("the transcript has types Dozvon reads and types it never does")
              .isBetween(40, MISSED.size() - 20);
          Set<String> types = Set.copyOf(expected);
          List<String> delivered = rec.events.stream().map(AmiClientTest::amiName).filter(types::contains)
              .collect(Collectors.toList());
          assertThat(delivered).containsExactlyElementsOf(expected);
          assertThat(rec.events.stream().map(AmiClientTest::amiName)).doesNotContainAnyElementsOf(never);
          tc.completeNow();
        })));
  }

  @Test
  void aLatePingWhileEventsFlowIsNoLostLinkButASilentOneIs(Vertx vertx, VertxTestContext tc) {
    java.util.concurrent.atomic.AtomicBoolean flowing = new java.util.concurrent.atomic.AtomicBoolean(true);
    long[] stoppedAt = new long[1];
    start(vertx, settings(server))
        .compose(v -> connected(vertx, 1, 1))
        .compose(v -> {
          server.answerPings(false); // a reader far behind: the Pong would come after every event read before it
          vertx.setPeriodic(20, id -> {
            if (flowing.get()) {
              server.sendRaw("Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/trunk-00000001\r\n"
                  + "Uniqueid: 1.1\r\nLinkedid: 1.1\r\nVariable: X\r\nValue: 1\r\n\r\n");
            } else {
              vertx.cancelTimer(id);
            }
          });
          return vertx.timer(1500); // 1.5 s: past several ping time-outs (200 ms each)
        })
        .compose(v -> {
          tc.verify(() -> {
            assertThat(rec.disconnectReasons).as("events flowed all along").isEmpty();
            assertThat(client.state()).isEqualTo(AmiState.CONNECTED);
            assertThat(server.acceptedLogins()).isEqualTo(1);
          });
          flowing.set(false);
          stoppedAt[0] = System.nanoTime();
          return until(vertx, "ping timeout once silent", 3000, () -> rec.disconnectReasons.size() == 1);
        })
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(rec.disconnectReasons.get(0)).contains("no answer to Ping within 200 ms");
          assertThat((System.nanoTime() - stoppedAt[0]) / 1_000_000).isLessThan(400 + 200 + 600);
          server.answerPings(true);
          tc.completeNow();
        })));
  }

  @Test
  void garbageUnknownEventsAndMissingFieldsAreSurvived(Vertx vertx, VertxTestContext tc) {
    start(vertx, settings(server))
        .compose(v -> connected(vertx, 1, 1))
        .compose(v -> {
          server.sendRaw("this is not AMI at all\r\n\r\n");
          server.sendRaw("\r\n\r\n\r\n");
          server.sendRaw("Event: SomethingNoPbxEverSent\r\nFoo: bar\r\n\r\n");
          server.sendRaw("Event: Hangup\r\nPrivilege: call,all\r\n\r\n");
          server.sendRaw("Event: Newchannel\r\nChannelState: not-a-number\r\nUniqueid: x\r\n\r\n");
          server.sendRaw("\u0000\u00ff\u00fe binary junk\r\n\r\n");
          server.sendRaw(MISSED.bytes());
          return until(vertx, "transcript after garbage", 5000, () -> rec.count(HangupEvent.class) == 5);
        })
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(client.state()).isEqualTo(AmiState.CONNECTED);
          assertThat(rec.disconnectReasons).isEmpty();
          HangupEvent bare = (HangupEvent) rec.events.stream().filter(HangupEvent.class::isInstance)
              .findFirst().orElseThrow();
          assertThat(bare.getUniqueId()).isNull();
          tc.completeNow();
        })));
  }

  @Test
  void connectionCutInTheMiddleOfAnEventReconnectsAndLaterEventsArrive(Vertx vertx, VertxTestContext tc) {
    start(vertx, settings(server))
        .compose(v -> connected(vertx, 1, 1))
        .compose(v -> {
          server.replayOnLogin(MISSED);
          server.cutMidEvent("Event: Hangup\r\nPrivilege: call,all\r\nChannel: Local/101@operator-phone-0000000b;1\r\nUniq");
          return connected(vertx, 2, 2);
        })
        .compose(v -> until(vertx, "transcript on the new connection", 20_000, () -> rec.count(HangupEvent.class) == 4))
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          // The loss is seen once: by the reader at end of stream, or by the resync action written into the cut
          // socket first (Broken pipe, reset); which one wins is a race of the two threads, both name the cut.
          assertThat(rec.disconnectReasons).singleElement().asString()
              .satisfiesAnyOf(r -> assertThat(r).startsWith("connection closed by the PBX"),
                  r -> assertThat(r).startsWith("cannot send "));
          tc.completeNow();
        })));
  }

  static Stream<Arguments> outcomes() {
    return Stream.of(
        Arguments.of(OriginateOutcome.answered(), true, 4, "answered"),
        Arguments.of(OriginateOutcome.noAnswer(), false, 3, "no answer"),
        Arguments.of(OriginateOutcome.busy(), false, 5, "busy"),
        Arguments.of(new OriginateOutcome(true, "Failure", 8), false, 8, "congestion"),
        Arguments.of(new OriginateOutcome(true, "Failure", 0), false, 0, "failed"));
  }

  @ParameterizedTest
  @MethodSource("outcomes")
  void originateCompletesWithTheResponseCarryingItsActionId(OriginateOutcome outcome, boolean success, int reason,
                               String text, Vertx vertx, VertxTestContext tc) {
    server.originateOutcome(outcome);
    OriginateRequest req = OriginateRequest.of("Local/101@operator-phone", "click-to-call", "79161234567",
        "Dozvon <74951234567>", Duration.ofSeconds(30));
    start(vertx, settings(server))
        .compose(v -> connected(vertx, 1, 1))
        .compose(v -> {
          // someone else's OriginateResponse (broadcast to every session) must not complete ours
          server.sendRaw("Event: OriginateResponse\r\nActionID: someone-else-1\r\nResponse: Success\r\nReason: 4\r\n\r\n");
          return client.originate(req);
        })
        .onComplete(tc.succeeding(r -> tc.verify(() -> {
          assertThat(r.actionId()).startsWith("dozvon-originate-");
          assertThat(r.success()).isEqualTo(success);
          assertThat(r.reason()).isEqualTo(reason);
          assertThat(r.reasonText()).isEqualTo(text);
          AmiMessage sent = server.actions().stream().filter(m -> m.is("Originate")).findFirst().orElseThrow();
          assertThat(sent.actionId()).endsWith("#" + r.actionId());
          assertThat(sent.get("channel")).isEqualTo("Local/101@operator-phone");
          assertThat(sent.get("exten")).isEqualTo("79161234567");
          assertThat(sent.get("async")).isEqualToIgnoringCase("true");
          tc.completeNow();
        })));
  }

  @Test
  void originateTimesOutWhenNoResponseComes(Vertx vertx, VertxTestContext tc) {
    server.originateOutcome(OriginateOutcome.none());
    OriginateRequest req = new OriginateRequest("Local/101@operator-phone", "click-to-call", "79161234567", 1,
        null, java.util.Map.of("DOZVON_DEAL", "42"), Duration.ofSeconds(30), Duration.ofMillis(300));
    start(vertx, settings(server))
        .compose(v -> connected(vertx, 1, 1))
        .compose(v -> client.originate(req))
        .onComplete(tc.failing(e -> tc.verify(() -> {
          assertThat(e).isInstanceOf(AmiException.class).hasMessageContaining("no OriginateResponse")
              .hasMessageContaining("300 ms");
          assertThat(server.countActions("Originate")).isEqualTo(1);
          tc.completeNow();
        })));
  }

  @Test
  void originateFailsAtOnceWhenNotConnected(Vertx vertx, VertxTestContext tc) {
    server.credentials(USER, "another-secret");
    start(vertx, settings(server))
        .compose(v -> client.originate(OriginateRequest.of("Local/101@operator-phone", "click-to-call", "1",
            null, Duration.ofSeconds(5))))
        .onComplete(tc.failing(e -> tc.verify(() -> {
          assertThat(e).isInstanceOf(AmiException.class).hasMessageContaining("not connected");
          tc.completeNow();
        })));
  }

  @Test
  void theSecretNeverAppearsInAnyLogLine(Vertx vertx, VertxTestContext tc) {
    LogCapture logs = LogCapture.attachAtDebug();
    server.credentials(USER, "another-secret");
    server.replayOnLogin(MISSED);
    start(vertx, settings(server))
        .compose(v -> until(vertx, "a refused login", 3000, () -> server.refusedLogins() >= 2))
        .compose(v -> {
          server.credentials(USER, SECRET);
          return connected(vertx, 1, 1);
        })
        .compose(v -> client.originate(OriginateRequest.of("Local/101@operator-phone", "click-to-call", "1",
            null, Duration.ofSeconds(5))))
        .compose(r -> {
          server.dropConnections();
          return connected(vertx, 2, 2);
        })
        .compose(v -> client.stop())
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          logs.detach();
          assertThat(logs.size()).isGreaterThan(20); // debug output of Asterisk-Java was captured
          assertThat(logs.anyContains(SECRET)).isFalse();
          assertThat(settings(server).toString()).doesNotContain(SECRET);
          tc.completeNow();
        })));
  }

  @Test
  void aStalledTelephonyLoopHoldsTheReaderBackAndNothingIsDropped(Vertx vertx, VertxTestContext tc) {
    // the listener blocks its loop on the first batch after the blast until the reader is parked in awaitRoom:
    // the handoff is past its high water mark, the socket is no longer read; nothing may be dropped or reconnected
    int n = 3 * EventHandoff.HIGH_WATER;
    long hangups = java.util.stream.LongStream.range(0, n).filter(i -> new String(MISSED.events()
        .get((int) (i % MISSED.events().size())), java.nio.charset.StandardCharsets.US_ASCII)
        .startsWith("Event: Hangup\r\n")).count();
    java.util.concurrent.atomic.AtomicBoolean stall = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean readerWasHeld = new java.util.concurrent.atomic.AtomicBoolean();
    AmiListener<ManagerEvent> stalling = new AmiListener<>() {
      @Override
      public void onEvents(List<ManagerEvent> batch) {
        if (stall.getAndSet(false)) {
          long deadline = System.currentTimeMillis() + 15_000;
          while (!readerWasHeld.get() && System.currentTimeMillis() < deadline) {
            readerWasHeld.set(Thread.getAllStackTraces().values().stream().anyMatch(st -> java.util.Arrays.stream(st)
                .anyMatch(f -> f.getMethodName().equals("awaitRoom")) && java.util.Arrays.stream(st)
                .anyMatch(f -> f.getMethodName().equals("parkNanos")))); // parked there, not passing through
            Thread.onSpinWait();
          }
        }
        rec.onEvents(batch);
      }

      @Override
      public void onConnected() {
        rec.onConnected();
      }

      @Override
      public void onDisconnected(String reason) {
        rec.onDisconnected(reason);
      }

      @Override
      public void onResyncComplete() {
        rec.onResyncComplete();
      }
    };
    client = new AmiClient<>(vertx, settings(server), e -> e, stalling, registry);
    client.start()
        .compose(v -> connected(vertx, 1, 1))
        .compose(v -> {
          stall.set(true);
          server.blast(MISSED, n);
          return until(vertx, "every Hangup of the blast delivered", 60_000,
              () -> rec.count(HangupEvent.class) >= hangups);
        })
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(readerWasHeld).as("the reader waited in awaitRoom while the loop was stalled").isTrue();
          assertThat(rec.count(HangupEvent.class)).isEqualTo(hangups);
          assertThat(dropped()).isZero();
          assertThat(rec.connects.get()).as("no reconnect").isEqualTo(1);
          assertThat(registry.get("dozvon.ami.backpressure").timer().count()).isGreaterThan(0);
          tc.completeNow();
        })));
  }

  private double dropped() {
    return registry.get("dozvon.ami.dropped.events").counter().count();
  }

  /** AMI event name of an Asterisk-Java event: the class name without "Event", lower case. */
  private static String amiName(ManagerEvent e) {
    String n = e.getClass().getSimpleName();
    return (n.endsWith("Event") ? n.substring(0, n.length() - 5) : n).toLowerCase(Locale.ROOT);
  }

  @SuppressWarnings("unused")
  private static boolean isResync(ManagerEvent e) {
    return e instanceof CoreShowChannelsCompleteEvent || e instanceof QueueStatusCompleteEvent;
  }
}
