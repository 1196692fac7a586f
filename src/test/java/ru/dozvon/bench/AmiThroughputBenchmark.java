package ru.dozvon.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.event.DialEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ShutdownEvent;
import org.slf4j.LoggerFactory;
import ru.dozvon.telephony.AmiClient;
import ru.dozvon.telephony.AmiListener;
import ru.dozvon.telephony.AmiSettings;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * AMI throughput over loopback: the test AMI server blasts N events cycled from a transcript.
 * Run A: Asterisk-Java alone, a listener that counts. Run B: the same through {@link AmiClient}
 * with a mapper (default keeps ~20%: Newchannel, Dial*, Hangup, Cdr, Queue*, Agent*) and a Vert.x
 * handler that counts. Prints events/s, B/A, and drops (Asterisk-Java's "queue is full" ERRORs, and
 * delivered vs sent).
 *
 * <p>{@code bench/run.sh AmiThroughputBenchmark [events=2000000] [transcript=ami/missed.ami] [rounds=2]}
 *
 * <p>To measure the real pipeline, call {@link #runThroughClient} with the real mapper and a handler
 * that feeds the CallTracker.
 */
public final class AmiThroughputBenchmark {

    /** Sent after the blast; none of the transcripts contains it, so its arrival marks the end. */
    private static final String SENTINEL = "Event: Shutdown\r\nPrivilege: system,all\r\nShutdown: Cleanly\r\nRestart: False\r\n\r\n";
    private static final String USER = "bench";
    private static final String SECRET = "bench-secret";

    private AmiThroughputBenchmark() {
    }

    /** What one run measured. */
    public record Result(String name, long sent, long seen, long delivered, long expectedDelivered, double seconds,
                         long pumpDrops, long handoffs) {
        double eventsPerSecond() {
            return sent / seconds;
        }

        long lost() {
            return sent - seen + (expectedDelivered - delivered);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-28s %,12d events in %6.2f s = %,10.0f events/s  (handler got %,d of %,d; pump drops %d; lost %d%s)",
                    name, sent, seconds, eventsPerSecond(), delivered, expectedDelivered, pumpDrops, lost(),
                    handoffs == 0 ? "" : String.format(Locale.ROOT, "; %,d context hops, %.0f events per hop", handoffs,
                            (double) delivered / handoffs));
        }
    }

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        String resource = args.length > 1 ? args[1] : "ami/missed.ami";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Transcript t = Transcript.load(resource);
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.asteriskjava").setLevel(Level.ERROR);

        System.out.printf(Locale.ROOT, "AMI throughput: %,d events cycled from %s (%d events/cycle), %d rounds%n",
                n, resource, t.size(), rounds);
        System.out.printf(Locale.ROOT, "JVM %s, %d processors%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        Vertx vertx = Vertx.vertx();
        try {
            long warm = Math.min(n, 300_000);
            System.out.println("warm-up:");
            System.out.println("  " + runAsteriskJavaAlone(t, warm));
            System.out.println("  " + runThroughClient(vertx, t, warm, KEEP_CALL_EVENTS, batch -> { }));
            double bestA = 0;
            double bestB = 0;
            long lost = 0;
            long drops = 0;
            for (int r = 1; r <= rounds; r++) {
                System.out.println("round " + r + ":");
                Result a = runAsteriskJavaAlone(t, n);
                System.out.println("  " + a);
                Result b = runThroughClient(vertx, t, n, KEEP_CALL_EVENTS, batch -> { });
                System.out.println("  " + b);
                bestA = Math.max(bestA, a.eventsPerSecond());
                bestB = Math.max(bestB, b.eventsPerSecond());
                lost += a.lost() + b.lost();
                drops += a.pumpDrops() + b.pumpDrops();
            }
            System.out.printf(Locale.ROOT, "best A %,.0f events/s, best B %,.0f events/s, B/A = %.1f%%, lost %d, pump drops %d%n",
                    bestA, bestB, 100 * bestB / bestA, lost, drops);
        } finally {
            vertx.close().await();
        }
    }

    /** The default mapper of run B: keeps the events a call tracker needs (about 20% of the traffic). */
    public static final Function<ManagerEvent, ManagerEvent> KEEP_CALL_EVENTS = new Function<>() {
        private final ClassValue<Boolean> keep = new ClassValue<>() {
            @Override
            protected Boolean computeValue(Class<?> type) {
                String n = type.getSimpleName();
                return n.equals("NewChannelEvent") || n.startsWith("Dial") || n.equals("HangupEvent")
                        || n.equals("CdrEvent") || n.startsWith("Queue") || n.startsWith("Agent");
            }
        };

        @Override
        public ManagerEvent apply(ManagerEvent e) {
            return keep.get(e.getClass()) ? e : null;
        }
    };

    /** Run A: Asterisk-Java's own connection and a listener that only counts. */
    public static Result runAsteriskJavaAlone(Transcript t, long n) throws Exception {
        try (TestAmiServer server = TestAmiServer.start(USER, SECRET); DropCounter drops = DropCounter.attach()) {
            ManagerConnection conn = new ManagerConnectionFactory("127.0.0.1", server.port(), USER, SECRET)
                    .createManagerConnection();
            AtomicLong seen = new AtomicLong();
            CompletableFuture<Long> end = new CompletableFuture<>();
            conn.addEventListener(e -> {
                if (e instanceof ShutdownEvent) {
                    end.complete(System.nanoTime());
                } else if (e.getClass() != DialEvent.class) { // DialEvent: Asterisk-Java's legacy copy of DialBegin
                    seen.incrementAndGet();
                }
            });
            conn.login();
            seen.set(0); // the login's own events (ConnectEvent, FullyBooted) are not part of the blast
            long start = System.nanoTime();
            blastAndEnd(server, t, n);
            long stop = await(end, seen);
            conn.logoff();
            return new Result("A Asterisk-Java alone", n, seen.get(), seen.get(), seen.get(), (stop - start) / 1e9, drops.count(), 0);
        }
    }

    /**
     * Run B: through {@link AmiClient}. The mapper runs on Asterisk-Java's thread; the handler gets
     * the batches on a Vert.x event loop.
     */
    public static <E> Result runThroughClient(Vertx vertx, Transcript t, long n, Function<ManagerEvent, ? extends E> mapper,
                                              Consumer<List<E>> handler) throws Exception {
        try (TestAmiServer server = TestAmiServer.start(USER, SECRET); DropCounter drops = DropCounter.attach()) {
            AtomicLong seen = new AtomicLong();
            AtomicLong kept = new AtomicLong();
            AtomicLong delivered = new AtomicLong();
            AtomicLong hops = new AtomicLong();
            CompletableFuture<Long> end = new CompletableFuture<>();
            CompletableFuture<Void> connected = new CompletableFuture<>();
            Object endMark = new Object();
            Function<ManagerEvent, Object> counting = e -> {
                if (e instanceof ShutdownEvent) {
                    return endMark;
                }
                if (e.getClass() != DialEvent.class) {
                    seen.incrementAndGet();
                }
                Object m = mapper.apply(e);
                if (m != null) {
                    kept.incrementAndGet();
                }
                return m;
            };
            AmiListener<Object> listener = new AmiListener<>() {
                @Override
                @SuppressWarnings("unchecked")
                public void onEvents(List<Object> batch) {
                    hops.incrementAndGet();
                    int size = batch.size();
                    if (batch.get(size - 1) == endMark) {
                        batch = batch.subList(0, size - 1);
                        delivered.addAndGet(batch.size());
                        handler.accept((List<E>) batch);
                        end.complete(System.nanoTime());
                    } else {
                        delivered.addAndGet(size);
                        handler.accept((List<E>) batch);
                    }
                }

                @Override
                public void onConnected() {
                }

                @Override
                public void onResyncComplete() {
                    connected.complete(null);
                }

                @Override
                public void onDisconnected(String reason) {
                    System.out.println("  disconnected: " + reason);
                }
            };
            AmiSettings settings = new AmiSettings("127.0.0.1", server.port(), USER, SECRET, Duration.ofSeconds(5),
                    Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1),
                    Duration.ofSeconds(10));
            AmiClient<Object> client = new AmiClient<>(vertx, settings, counting, listener,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            client.start().await();
            connected.get(10, TimeUnit.SECONDS);
            seen.set(0); // the resync answers are not part of the blast
            kept.set(0);
            delivered.set(0);
            hops.set(0);
            long start = System.nanoTime();
            blastAndEnd(server, t, n);
            long stop = await(end, delivered);
            client.stop().await();
            return new Result("B AmiClient, mapper+Vert.x", n, seen.get(), delivered.get(), kept.get(), (stop - start) / 1e9,
                    drops.count(), hops.get());
        }
    }

    private static void blastAndEnd(TestAmiServer server, Transcript t, long n) throws InterruptedException {
        Thread blaster = server.blast(t, n);
        blaster.join();
        server.sendRaw(SENTINEL);
    }

    /** Waits for the end mark; gives up when the count stops moving for 10 s (events were lost). */
    private static long await(CompletableFuture<Long> end, AtomicLong progress) throws Exception {
        long last = -1;
        while (true) {
            try {
                return end.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                long now = progress.get();
                if (now == last) {
                    System.out.println("  end mark never arrived: the sentinel was dropped");
                    return System.nanoTime();
                }
                last = now;
            }
        }
    }

    /** Counts Asterisk-Java's "queue is full" ERROR lines: its only trace of a dropped event. */
    private static final class DropCounter extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final AtomicLong drops = new AtomicLong();
        private ch.qos.logback.classic.Logger logger;

        static DropCounter attach() {
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            DropCounter c = new DropCounter();
            c.setContext(ctx);
            c.start();
            c.logger = ctx.getLogger("org.asteriskjava.manager.internal.AsyncEventPump");
            c.logger.addAppender(c);
            return c;
        }

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel() == Level.ERROR && e.getMessage() != null && e.getMessage().contains("queue is full")) {
                drops.incrementAndGet();
            }
        }

        long count() {
            return drops.get();
        }

        @Override
        public void close() {
            logger.detachAppender(this);
            stop();
        }
    }
}
