package ru.dozvon;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.config.AppConfig;
import ru.dozvon.deals.DealEventChain;
import ru.dozvon.deals.CallRecordingRoutes;
import ru.dozvon.deals.DealRoutes;
import ru.dozvon.deals.PgCallRecorder;
import ru.dozvon.deals.PgDealQueries;
import ru.dozvon.deals.CallIntake;
import ru.dozvon.deals.GroupCommit;
import ru.dozvon.deals.AfterContactRoutes;
import ru.dozvon.deals.Funnel;
import ru.dozvon.deals.PgManualTasks;
import ru.dozvon.deals.FunnelJobs;
import ru.dozvon.deals.FunnelRoutes;
import ru.dozvon.deals.PgDealWorkflow;
import ru.dozvon.deals.PgTaskStore;
import ru.dozvon.deals.SpeedToLead;
import ru.dozvon.deals.SpeedToLeadMeter;
import ru.dozvon.deals.TaskRoutes;
import ru.dozvon.intake.FormHookRoutes;
import ru.dozvon.intake.IntakeConfig;
import ru.dozvon.intake.LeadIntake;
import ru.dozvon.intake.LeadRoutes;
import ru.dozvon.intake.PgLeadIntake;
import ru.dozvon.managers.ManagerFigures;
import ru.dozvon.managers.PgAccounts;
import ru.dozvon.managers.TokenRoutes;
import ru.dozvon.notify.ManagerNotifier;
import ru.dozvon.notify.OutboxDrainer;
import ru.dozvon.notify.WebhookGuard;
import ru.dozvon.dialing.Dialing;
import ru.dozvon.dialing.DialingSettingsRoutes;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.live.LiveRoutes;
import ru.dozvon.metrics.Meters;
import ru.dozvon.live.PgLiveSnapshot;
import ru.dozvon.live.PgScreenPop;
import ru.dozvon.managers.ManagerRoutes;
import ru.dozvon.managers.PgManagerRepository;
import ru.dozvon.reports.PgReports;
import ru.dozvon.reports.ReportRoutes;
import ru.dozvon.reports.ReportSettings;
import ru.dozvon.routing.RoutingRoutes;
import ru.dozvon.routing.RoutingVerticle;
import ru.dozvon.store.Database;
import ru.dozvon.telephony.PgUnrecordableCalls;
import ru.dozvon.telephony.TelephonyService;
import ru.dozvon.telephony.UnrecordableCallRoutes;
import ru.dozvon.signin.AdminPassword;
import ru.dozvon.signin.LoginRoutes;
import ru.dozvon.signin.MeRoutes;
import ru.dozvon.signin.PasswordHasher;
import ru.dozvon.signin.Passwords;
import ru.dozvon.signin.PgCredentials;
import ru.dozvon.signin.SignIn;
import ru.dozvon.web.HttpVerticle;
import ru.dozvon.web.PageRoutes;
import ru.dozvon.web.SessionStore;
import ru.dozvon.web.SessionWatch;
import ru.dozvon.web.TokenStore;

/**
 * The composition root: makes Vert.x with metrics, the pool, the features, and deploys the
 * verticles in order. Tests start it the same way as {@link Main} does.
 */
public final class App {

  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Meters meters;
  private HttpVerticle http;
  private PgCallRecorder callRecorder;
  private CallIntake callIntake;
  private LiveFeed feed;
  private TelephonyService telephony;
  private RoutingVerticle routing;
  private DealEventChain dealListeners;
  private PgDealWorkflow workflow;
  private FunnelJobs funnelJobs;
  private OutboxDrainer outbox;
  private Dialing dialing;
  private ru.dozvon.telephony.cdr.CdrRecovery cdrRecovery;
  private SessionStore sessions;
  private SessionWatch sessionWatch;
  /** Where the watch of streams' sessions LISTENs for ended sessions. */
  private io.vertx.pgclient.PgConnectOptions listen;

  private final Clock clock;

  private App(Vertx vertx, Pool pool, Meters meters, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.meters = meters;
    this.clock = clock;
  }

  /** Starts everything on a migrated database; fails if any part fails to start. */
  public static Future<App> start(AppConfig cfg, Database db) {
    return start(cfg, db, Clock.systemUTC());
  }

  /** Starts with a given clock: tests move time instead of sleeping. */
  public static Future<App> start(AppConfig cfg, Database db, Clock clock) {
    Meters meters = new Meters(SpeedToLead.histogramEdges());
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(meters.registry()))
        .build();
    Pool pool = db.pool(vertx, cfg.database().poolSize());
    App app = new App(vertx, pool, meters, clock);
    // The outcome is delivered off Vert.x: after a failed deploy Vert.x is closed, and a continuation scheduled on
    // one of its contexts would never run (the start used to hang until the caller's timeout).
    java.util.concurrent.CompletableFuture<App> started = new java.util.concurrent.CompletableFuture<>();
    app.listen = db.connectOptions();
    app.deploy(cfg).onComplete(ar -> {
      if (ar.succeeded()) {
        started.complete(app);
        return;
      }
      Thread closer = new Thread(() -> {
        try {
          app.stop().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception closing) {
          LOG.warn("After a failed start, Vert.x did not close cleanly: {}", closing.toString());
        }
        started.completeExceptionally(ar.cause());
      }, "dozvon-failed-start");
      closer.setDaemon(true);
      closer.start();
    });
    return Future.fromCompletionStage(started);
  }

  private Future<Void> deploy(AppConfig cfg) {
    var managers = new PgManagerRepository(pool);
    var notifier = new ManagerNotifier();
    feed = new LiveFeed(vertx, clock, cfg.stream());
    // The one chain of deal events; its listeners are registered below, once, in the order they run.
    dealListeners = new DealEventChain();
    workflow = new PgDealWorkflow(pool, new Funnel(cfg.funnel(), cfg.retry().window().workingTime()), dealListeners,
        clock, cfg.retry().window().zone());
    routing = new RoutingVerticle(cfg.routing(), pool, clock, feed, meters, Duration.ofSeconds(5), Duration.ofMinutes(15),
        dealListeners);
    var dialing = new Dialing(cfg.retry(), workflow, dealListeners, pool, clock, meters, feed);
    // Follow-ups that commit with the deal change that caused them, in this order: routing first
    // (the callback task lands on the manager it chose), then dialing, the notifier and the
    // speed-to-lead meter last. What a listener's work causes (routing's assignment, the ladder's close)
    // it returns, and the chain tells it to all of them next.
    dealListeners.register(List.of(routing.listener(), dialing.listener(), notifier, new SpeedToLeadMeter(meters)));
    callRecorder = new PgCallRecorder(pool, dealListeners, meters);
    // Missed calls that arrive together share a transaction (group commit), up to 200 calls each, on an event loop
    // of their own beside their first caller's (the telephony loop's), so no step waits behind a batch of PBX events.
    var groups = new GroupCommit(vertx::getOrCreateContext, callRecorder, cfg.database().callTransactions(), 200, meters);
    callIntake = new CallIntake(groups, feed, meters, clock);
    var unrecordable = new PgUnrecordableCalls(pool, meters, clock);
    // An operator paused on the PBX takes no new leads; unpaused, waiting leads may go to them at once.
    telephony = new TelephonyService(vertx, cfg.ami().link(), cfg.telephony(), cfg.placing(),
        cfg.ami().originateContext(), clock, callIntake::accept,
        unrecordable::file,
        (extension, paused) -> managers.setPbxPaused(extension, paused)
            .compose(changed -> {
              if (changed && !paused) {
                this.dialing.dialer().wake();
              }
              return changed && !paused ? routing.assignWaiting().mapEmpty() : Future.succeededFuture();
            }),
        meters.registry(), cfg.database().dataDir().resolve("unrecorded-calls.jsonl"),
        PhoneWiring.watch(cfg.phones().devices(), managers, routing, feed, new PgScreenPop(pool), clock));
    // Every ended call is written ahead to the journal before the database write (a crash loses none in flight).
    telephony.journal(cfg.journal(), cfg.database().dataDir().resolve("calls-journal"));
    // Click-to-call and the progressive dialer place calls through telephony's Originate queue. "Phone idle" for the
    // dialer: no call we placed in flight on that extension, and the PBX's device state says the phone is free
    // (AVAILABLE, or UNKNOWN before the PBX said anything).
    dialing.calls(new PbxLink(telephony, clock), cfg.dialer(),
        extension -> telephony.placedCalls().idle(extension) && telephony.phones().idle(extension));
    this.dialing = dialing;
    IntakeConfig intakeCfg = cfg.intake();
    var dealQueries = new PgDealQueries(pool, cfg.funnel().stages().get(0).code());
    funnelJobs = new FunnelJobs(pool, workflow, feed, notifier, clock);
    // Managers' webhooks call only the hosts the settings allow, checked when set and before every delivery.
    var webhooks = new WebhookGuard(vertx, cfg.webhooks());
    outbox = new OutboxDrainer(vertx, pool, clock, webhooks);
    var accounts = new PgAccounts(pool, managers, clock);
    var leadStore = new PgLeadIntake(pool, dealListeners, workflow.afterContact());
    var leads = new LeadIntake(leadStore, feed, meters, clock);
    funnelJobs.start(vertx, intakeCfg.jobsEvery());
    // Form-webhook signatures older than twice the allowed clock skew can never be replayed: forgotten.
    vertx.setPeriodic(intakeCfg.jobsEvery().toMillis(), id -> leadStore
        .forgetNoncesBefore(clock.instant().minus(intakeCfg.maxSkew().multipliedBy(2)))
        .onFailure(e -> LOG.warn("Forgetting old form-webhook signatures failed: {}", e.getMessage())));
    outbox.start(vertx, intakeCfg.outboxEvery());
    // Sign-in for people: Argon2id on a worker pool of its own, sessions in PostgreSQL (docs/SECURITY.md).
    var passwords = new Passwords(vertx, PasswordHasher.OWASP);
    var credentials = new PgCredentials(pool);
    sessions = new SessionStore(pool, clock, cfg.auth().sessionIdle(), cfg.auth().sessionMaxAge());
    var signIn = new SignIn(credentials, passwords, sessions, clock);
    // Live streams of a session close when it ends (logout, password change, deactivation at once; expiry within auth.sessionCheck).
    sessionWatch = new SessionWatch(sessions, new TokenStore(pool), listen, cfg.auth().sessionCheck());
    vertx.setPeriodic(600_000, id -> sessions.purgeExpired().compose(n -> credentials.forgetOld(clock.instant()))
        .onFailure(e -> LOG.warn("Purging expired sessions failed: {}", e.getMessage())));
    return new TokenStore(pool).ensureAdmin(cfg.auth().adminToken())
        .onSuccess(App::showGeneratedToken)
        .compose(x -> AdminPassword.ensure(credentials, passwords, cfg.auth().adminPassword(), clock))
        .onSuccess(App::showGeneratedPassword)
        .compose(x -> vertx.deployVerticle(sessionWatch))
        .compose(x -> vertx.deployVerticle(routing)) // ratings rebuilt before anything is served
        .compose(x -> {
          http = new HttpVerticle(cfg.http().port(), cfg.http().maxBodyBytes(), pool, meters,
              telephony::state, unrecordable::unacknowledged,
              List.of(new ManagerRoutes(managers, accounts, new ManagerFigures(pool, clock, webhooks,
                  cfg.retry().window().zone(), cfg.funnel().afterContact().talkLimitPerDay()), routingHooks(),
                  passwords),
                  new MeRoutes(credentials, signIn, passwords, clock),
                  new TokenRoutes(accounts),
                  new DealRoutes(dealQueries), new CallRecordingRoutes(pool, cfg.phones().recordingsDir()),
                  new RoutingRoutes(routing),
                  new LiveRoutes(feed, sessionWatch, new PgLiveSnapshot(pool, clock, cfg.retry().window().zone(),
                      telephony::liveCalls, cfg.funnel().stages().get(0).code(),
                      cfg.funnel().afterContact().talkLimitPerDay(), cfg.live(), this::queueWaiting, this::ratingValues)),
                  new FunnelRoutes(workflow, dealQueries),
                  new TaskRoutes(new PgTaskStore(pool), clock, cfg.retry().window().zone()),
                  new AfterContactRoutes(new PgManualTasks(pool, workflow), dealQueries, clock),
                  new LeadRoutes(leads, dealQueries), dialing.routes(), dialing.callRoutes(),
                  new UnrecordableCallRoutes(unrecordable),
                  new DialingSettingsRoutes(cfg.retry(), cfg.dialer()),
                  new ReportRoutes(new PgReports(pool, reportSettings(cfg.funnel())), clock, cfg.retry().window().zone())),
              List.of(new FormHookRoutes(intakeCfg, leads, clock), new LoginRoutes(signIn, sessions, credentials),
                  new PageRoutes(sessions::principal)))
              .withSessions(sessions);
          http.journalState(telephony::journalState);
          return vertx.deployVerticle(http);
        })
        // One event loop owns the AMI link and the call tracker.
        .compose(x -> vertx.deployVerticle(new VerticleBase() {
          @Override
          public Future<?> start() {
            return telephony.start();
          }

          @Override
          public Future<?> stop() {
            return telephony.stop();
          }
        }))
        // The progressive dialer on a loop of its own; every fired attempt is handed to it (it dials only for
        // managers with the dialer on).
        .compose(x -> vertx.deployVerticle(new VerticleBase() {
          @Override
          public Future<?> start() {
            dialing.dialer().start(vertx);
            return Future.succeededFuture();
          }

          @Override
          public Future<?> stop() {
            dialing.dialer().stop();
            return Future.succeededFuture();
          }
        }))
        .compose(x -> vertx.deployVerticle(dialing.scheduler(dialing.dialer())))
        .compose(x -> deployCdrRecovery(cfg))
        .mapEmpty();
  }

  /**
   * Calls missed while Dozvon was not listening, recovered from Asterisk's CDR table (cdr_pgsql), on a worker of
   * its own; after the telephony loop, so that the unrecorded-calls file is replayed first.
   */
  private Future<?> deployCdrRecovery(AppConfig cfg) {
    var cdr = cfg.cdr();
    if (!cdr.enabled()) {
      LOG.info("Recovery of missed calls from CDRs is off (telephony.cdr.enabled)");
      return Future.succeededFuture();
    }
    Pool cdrPool = cdr.db().map(url -> Database.external(url).pool(vertx, 2)).orElse(pool);
    var rules = new ru.dozvon.telephony.cdr.CdrRules(
        cdr.inboundContexts().isEmpty() ? cfg.telephony().inboundContexts() : cdr.inboundContexts(),
        cfg.telephony().outboundContexts());
    cdrRecovery = new ru.dozvon.telephony.cdr.CdrRecovery(cdr, rules, cdrPool, pool, telephony::followed,
        callIntake::accept, clock, meters.registry());
    telephony.onResynced(() -> cdrRecovery.reconcileSoon("AMI resync"));
    return vertx.deployVerticle(cdrRecovery,
        new io.vertx.core.DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER));
  }

  /** The funnel as the reports read it: stages in order without the closing one, reason names by code. */
  private static ReportSettings reportSettings(ru.dozvon.deals.FunnelConfig f) {
    java.util.function.Function<List<ru.dozvon.deals.Reason>, Map<String, String>> names = list -> {
      Map<String, String> m = new java.util.LinkedHashMap<>();
      list.forEach(r -> m.put(r.code(), r.name()));
      return m;
    };
    return new ReportSettings(f.stages().stream().filter(s -> !s.closing())
        .map(s -> new ReportSettings.StageInfo(s.code(), s.name(), s.won())).toList(),
        names.apply(f.lossReasons()), names.apply(f.winReasons()), names.apply(f.invalidReasons()));
  }

  /** The wallboard's waiting callers: telephony's call tracker, in live's own terms. */
  private PgLiveSnapshot.Waiting queueWaiting() {
    var w = telephony.queueWait();
    return new PgLiveSnapshot.Waiting(w.callers(), w.oldestSince());
  }

  /** Routing's conversion rating of each manager, as the wallboard shows it (the smoothed value). */
  private Future<Map<Long, Double>> ratingValues(List<Long> ids) {
    return routing.ratings(ids).map(all -> {
      Map<Long, Double> out = new java.util.HashMap<>();
      all.forEach((id, r) -> {
        Object v = r.getValue("value");
        if (v instanceof Number n) {
          out.put(id, n.doubleValue());
        }
      });
      return out;
    });
  }

  private ManagerRoutes.RoutingHooks routingHooks() {
    return new ManagerRoutes.RoutingHooks() {
      @Override
      public Future<Map<Long, JsonObject>> ratings(Collection<Long> ids) {
        return routing.ratings(ids);
      }

      @Override
      public Future<?> capacityMayHaveGrown() {
        dialing.dialer().wake(); // on shift again, or the dialer switched on: it may ring them now
        return routing.assignWaiting();
      }

      @Override
      public Future<?> ownersReleased() {
        return routing.routePending();
      }
    };
  }

  private static void showGeneratedToken(Optional<String> generated) {
    // Deliberately not through the logger: the one time a secret is shown, on the console only.
    generated.ifPresent(token -> System.err.printf(
        "%n  Admin token (shown once, store it now; set DOZVON_ADMIN_TOKEN to choose your own):%n  %s%n%n", token));
    if (generated.isEmpty()) {
      LOG.info("Admin token in place (generated at the first start or given by DOZVON_ADMIN_TOKEN)");
    }
  }

  private static void showGeneratedPassword(Optional<String> generated) {
    // As the token: shown once, on the console only, never through the logger.
    generated.ifPresent(pw -> System.err.printf(
        "%n  Admin password for login 'admin' (shown once; set DOZVON_ADMIN_PASSWORD to choose your own):%n  %s%n%n",
        pw));
  }

  /** People's browser sessions (pages outside /api look the cookie up here). */
  public SessionStore sessions() {
    return sessions;
  }

  /** The HTTP router with every route mounted (tests walk it: HttpFuzzTest). */
  public io.vertx.ext.web.Router httpRouter() {
    return http.router();
  }

  /** What closes the live streams of ended sessions. */
  public SessionWatch sessionWatch() {
    return sessionWatch;
  }

  public int httpPort() {
    return http.actualPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  /** Routing of this instance (tests settle the deals from the PBX with {@link RoutingVerticle#routePending}). */
  public RoutingVerticle routing() {
    return routing;
  }

  /** Where ended calls go: stored once, and missed ones become deals. */
  public PgCallRecorder callRecorder() {
    return callRecorder;
  }

  /** Ended calls enter here: recorded, counted, and told to the live feed. */
  public CallIntake callIntake() {
    return callIntake;
  }

  public TelephonyService telephony() {
    return telephony;
  }

  /** The recovery of missed calls from CDRs (null when telephony.cdr.enabled is false). */
  public ru.dozvon.telephony.cdr.CdrRecovery cdrRecovery() {
    return cdrRecovery;
  }

  /** The callback ladder, click-to-call and the progressive dialer. */
  public Dialing dialing() {
    return dialing;
  }

  /** Every deal change tells these, inside its transaction. */
  public DealEventChain dealListeners() {
    return dealListeners;
  }

  /** Funnel changes to deals (stage, close, reopen, score). */
  public PgDealWorkflow workflow() {
    return workflow;
  }

  /** Overdue tasks and the 8-week auto-close; runs on a timer, tests call {@code tick()}. */
  public FunnelJobs funnelJobs() {
    return funnelJobs;
  }

  /** Delivers manager webhooks; runs on a timer, tests call {@code drain()}. */
  public OutboxDrainer outbox() {
    return outbox;
  }

  public LiveFeed feed() {
    return feed;
  }

  public Clock clock() {
    return clock;
  }

  public Meters meters() {
    return meters;
  }

  /** Stops taking requests, lets those in flight finish, closes the pool and Vert.x. */
  public Future<Void> stop() {
    return vertx.close();
  }
}
