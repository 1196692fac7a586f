package ru.dozvon.model;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import ru.dozvon.support.TestApp;

/**
 * Runs one {@link History} on the {@link Service} with fresh contacts and managers, keeps the
 * {@link Model}, and checks the {@link Invariants} after every step; stops at the first step that breaks one.
 */
public final class Driver {

  private static final String ADMIN = TestApp.ADMIN_TOKEN;
  private static final AtomicInteger NUMBERS = new AtomicInteger(3_000_000);
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** The first time a history broke one kind of violation: at which step, and the deals as they were then. */
  public record Found(Violation violation, int step, String details) {
  }

  /** How a run ended: the trace of what each step did, and the first occurrence of each kind of violation. */
  public record Result(History history, List<String> trace, Map<String, Found> found) {
    public boolean failed() {
      return !found.isEmpty();
    }

    public boolean breaks(String kind) {
      return found.containsKey(kind);
    }

    /** The 0-based step where {@code kind} first broke. */
    public int failedAt(String kind) {
      return found.get(kind).step();
    }
  }

  private final Service s;
  private final History h;
  private final String stopOn;
  private final Model m = new Model();
  private final int run = RUNS.incrementAndGet();
  private final List<String> trace = new ArrayList<>();

  private Driver(Service s, History h, String stopOn) {
    this.s = s;
    this.h = h;
    this.stopOn = stopOn;
  }

  /**
   * Runs every step of the history (a broken invariant does not stop it: the other invariants go on being
   * checked) or, with {@code stopOn}, until that kind of violation first shows.
   */
  public static Result run(Service s, History h, String stopOn) {
    return new Driver(s, h, stopOn).run();
  }

  private Result run() {
    s.clock.set(h.start());
    Timing.time("setUp", () -> {
      setUp();
      return null;
    });
    Map<String, Found> found = new LinkedHashMap<>();
    for (int i = 0; i < h.steps().size(); i++) {
      Step step = h.steps().get(i);
      m.startStep();
      // Steps are seconds apart, as in life (never two events at the same instant): 10-89 s, fixed per step.
      s.clock.advance(Duration.ofSeconds(10 + Math.floorMod(h.seed() * 31 + h.numbers().get(i) * 17L, 80)));
      String did;
      List<Violation> broken;
      try {
        long t0 = System.nanoTime();
        did = execute(i, step);
        Timing.add("step " + step.getClass().getSimpleName(), System.nanoTime() - t0);
        broken = Timing.time("invariants", () -> Invariants.check(s, m));
      } catch (RuntimeException e) {
        did = "harness error";
        broken = List.of(Violation.of("ERR", "", e + (e.getCause() == null ? "" : " / " + e.getCause())));
      }
      StringBuilder line = new StringBuilder(String.format("%2d. [%s] %s -> %s", h.numbers().get(i),
          Invariants.local(s.clock.instant()), step.describe(), did));
      for (Violation v : broken) {
        if (!found.containsKey(v.kind())) {
          found.put(v.kind(), new Found(v, i, Report.deals(s, List.of(v), m)));
          line.append("\n        !! ").append(v.kind());
        }
      }
      trace.add(line.toString());
      if (stopOn != null && found.containsKey(stopOn) || broken.stream().anyMatch(v -> v.invariant().equals("ERR"))) {
        break;
      }
    }
    Timing.time("tearDown", () -> {
      tearDown();
      return null;
    });
    return new Result(h, List.copyOf(trace), found);
  }

  // --- the history's people ---------------------------------------------------------------------------

  private void setUp() {
    for (int i = 0; i < h.contacts().size(); i++) {
      History.ContactKind kind = h.contacts().get(i);
      int n = NUMBERS.incrementAndGet();
      String phone = kind == History.ContactKind.EMAIL ? null : "+7916" + String.format("%07d", n);
      String email = kind == History.ContactKind.PHONE ? null : "c" + n + "@model.example.ru";
      m.persons.add(new Model.Person(i, kind, phone, email));
    }
    for (int i = 0; i < h.managers().size(); i++) {
      History.ManagerSpec spec = h.managers().get(i);
      String label = "M" + (i + 1) + " of run " + run;
      JsonObject created = s.app().createManager(label, String.valueOf(700000 + run * 10 + i), spec.maxActiveDeals());
      long id = created.getLong("id");
      m.managers.add(new Model.Manager(id, created.getString("token"), label));
      if (!spec.state().equals("OFF")) { // new managers start OFF
        http(HttpMethod.PATCH, "/api/managers/" + id, ADMIN, new JsonObject().put("state", spec.state()), Map.of());
      }
    }
    m.baselinePending = s.pendingCalls();
    trace.add(String.format("    seed %d, start %s, contacts %s, managers %s", h.seed(), Invariants.local(h.start()),
        m.persons.stream().map(Model.Person::label).toList(),
        h.managers().stream().map(x -> "cap " + x.maxActiveDeals() + " " + x.state()).toList()));
  }

  /** The history's deals are closed (INVALID, test) and its managers go off, so the next history starts clean. */
  private void tearDown() {
    try {
      for (Row d : s.sql("""
          SELECT d.id FROM deals d JOIN contacts k ON k.id = d.contact_id
          WHERE d.status = 'OPEN' AND (k.phone = ANY($1) OR k.email = ANY($2))""", m.phones(), m.emails())) {
        s.send(HttpMethod.POST, "/api/deals/" + d.getLong(0) + "/close", ADMIN, new JsonObject()
            .put("status", "INVALID").put("reason", "test").put("comment", "model history over"), Map.of());
      }
      for (Row mg : s.sql("SELECT id FROM managers WHERE id = ANY($1) AND state <> 'OFF'", (Object) m.managerIds())) {
        s.send(HttpMethod.PATCH, "/api/managers/" + mg.getLong(0), ADMIN, new JsonObject().put("state", "OFF"),
            Map.of());
      }
    } catch (RuntimeException e) {
      trace.add("    (tear-down failed: " + e + ")");
    }
  }

  // --- steps ------------------------------------------------------------------------------------------

  private String execute(int i, Step step) {
    if (step instanceof Step.Missed x) {
      return call(m.persons.get(x.contact()), x.shape());
    } else if (step instanceof Step.Answered x) {
      return call(m.persons.get(x.contact()), x.shape());
    } else if (step instanceof Step.Lead x) {
      return lead(i, m.persons.get(x.contact()), x.source(), x.ident(), x.keyed());
    } else if (step instanceof Step.Message x) {
      Model.Person p = m.persons.get(x.contact());
      Step.Ident ident = switch (p.kind) {
        case PHONE -> Step.Ident.PHONE;
        case EMAIL -> Step.Ident.EMAIL;
        case BOTH -> Step.Ident.EMAIL;
      };
      return lead(i, p, x.source(), ident, false);
    } else if (step instanceof Step.Replay x) {
      return replay(x.keyedNo());
    } else if (step instanceof Step.Outcome x) {
      return outcome(x);
    } else if (step instanceof Step.MoveClock x) {
      s.clock.advance(x.by());
      s.settle(true);
      return "now " + Invariants.local(s.clock.instant());
    } else if (step instanceof Step.Stage x) {
      return onDeal(x.contact(), "stage", d -> {
        JsonObject body = new JsonObject().put("stage", x.stage()).put("reason", "model");
        if (x.withFields()) {
          body.put("fields", new JsonObject().put("platform", "Tilda").put("niche", "b2b").put("source", "ads")
              .put("budget", 100000).put("contract", "D-1"));
        }
        return body;
      });
    } else if (step instanceof Step.Close x) {
      return onDeal(x.contact(), "close", d -> {
        JsonObject body = new JsonObject().put("status", x.status()).put("reason", x.reason());
        if (x.withComment()) {
          body.put("comment", "model: closed " + x.status() + " " + x.reason());
        }
        return body;
      });
    } else if (step instanceof Step.Reopen x) {
      return reopen(m.persons.get(x.contact()));
    } else if (step instanceof Step.Assign x) {
      Model.Manager mg = m.managers.get(x.manager());
      return onDeal(x.contact(), "assign", d -> new JsonObject().put("managerId", mg.id()).put("reason", "model")
          .put("force", x.force()));
    } else if (step instanceof Step.Shift x) {
      Model.Manager mg = m.managers.get(x.manager());
      Service.Reply r = http(HttpMethod.PATCH, "/api/managers/" + mg.id(), ADMIN,
          new JsonObject().put("state", x.state()), Map.of());
      s.settle(false);
      return String.valueOf(r.status());
    } else if (step instanceof Step.Restart) {
      long t0 = System.nanoTime();
      s.restart();
      s.settle(false);
      return "restarted in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
    }
    throw new IllegalArgumentException("unknown step " + step);
  }

  /** A call from the contact through the PBX; waits until it is stored (or kept unrecorded). */
  private String call(Model.Person p, PbxCalls.Shape shape) {
    Long before = openDeal(p);
    Instant at = s.clock.instant();
    PbxCalls.Call c = PbxCalls.render(shape, p.phone, at);
    p.linkedids.add(c.linkedid());
    m.callOwner.put(c.linkedid(), p.index);
    s.pbx.sendRaw(c.bytes());
    Row call = Timing.time("awaitRecorded", () -> awaitRecorded(c.linkedid()));
    if (call == null) {
      return "call " + c.linkedid() + " NOT recorded";
    }
    s.settle(false);
    Long dealId = call.getLong("deal_id");
    boolean missed = Boolean.TRUE.equals(call.getBoolean("missed"));
    String what = "call " + c.linkedid() + " " + call.getString("outcome") + (missed ? " missed" : "")
        + " on deal " + dealId;
    if (missed != shape.missed) {
      m.stepViolations.add(Violation.of("I1", "a call stored as " + (missed ? "missed" : "answered"),
          "call " + c.linkedid() + " (" + shape.file + ") stored with missed = " + missed, dealId));
      return what;
    }
    if (shape.missed) {
      if (dealId == null) {
        return what; // I1 reports it
      }
      if (before != null && !before.equals(dealId)) {
        m.stepViolations.add(Violation.of("I2", "a missed call lands on another deal",
            "missed call " + c.linkedid() + " of contact " + p.label() + " landed on deal " + dealId + " while deal "
                + before + " was open", before, dealId));
      }
      Instant ended = Invariants.instant(call, "ended_at");
      m.deal(dealId, p.index).owe("missed call", "missed call " + c.linkedid() + " at " + Invariants.local(ended),
          s.window().nextOpening(ended));
      m.owedByThisStep.add(dealId);
    } else if (before != null) {
      if (!before.equals(dealId)) {
        m.stepViolations.add(Violation.of("I1", "an answered call not on the open deal",
            "answered call " + c.linkedid() + " of contact " + p.label() + " is on deal " + dealId
                + ", not on the open deal " + before, before));
      }
      m.deal(before, p.index).reached("the answered inbound call " + c.linkedid());
    }
    return what;
  }

  private Row awaitRecorded(String linkedid) {
    long deadline = System.nanoTime() + 8_000_000_000L;
    long keptSince = 0;
    while (System.nanoTime() < deadline) {
      List<Row> rows = s.sql("SELECT outcome, missed, deal_id, ended_at FROM calls WHERE pbx_call_id = $1", linkedid);
      if (!rows.isEmpty()) {
        return rows.get(0);
      }
      // The service failed to store it and kept it for a retry (in the file, before counting it as kept):
      // give the retry a moment, not the whole wait.
      if (keptSince == 0 && s.unrecordedLines().stream().anyMatch(l -> l.contains(linkedid))) {
        keptSince = System.nanoTime();
      } else if (keptSince != 0 && System.nanoTime() - keptSince > 300_000_000L) {
        return null;
      }
      s.pause(5);
    }
    return null;
  }

  private String lead(int i, Model.Person p, String source, Step.Ident wanted, boolean keyed) {
    // An email-only lead of a both-ways contact before the service knows the two belong together would
    // be a second person to it: sent with both until a lead carrying both was accepted.
    Step.Ident ident = wanted == Step.Ident.EMAIL && p.kind == History.ContactKind.BOTH && !p.linked
        ? Step.Ident.BOTH : wanted;
    JsonObject body = new JsonObject().put("source", source).put("name", "Model " + Step.letter(p.index))
        .put("fields", new JsonObject().put("utm_source", "model").put("step", i + 1));
    if (ident != Step.Ident.EMAIL) {
      body.put("phone", p.phone);
    }
    if (ident != Step.Ident.PHONE) {
      body.put("email", p.email);
    }
    Long before = openDeal(p);
    String key = keyed ? "model-" + run + "-" + m.keyed.size() : null;
    Map<String, String> headers = key == null ? Map.of() : Map.of("Idempotency-Key", key);
    Service.Reply r = http(HttpMethod.POST, "/api/leads", ADMIN, body, headers);
    if (r.status() != 200 && r.status() != 201) {
      s.settle(false);
      return r.status() + " " + Service.abbreviate(r.body(), 200);
    }
    long dealId = r.json().getLong("id");
    String what = r.status() + " deal " + dealId + (ident != wanted ? " (sent with both: not linked yet)" : "");
    if (key != null) {
      m.keyed.add(new Model.Keyed(key, body, r.status(), dealId));
      Service.Reply again = http(HttpMethod.POST, "/api/leads", ADMIN, body, headers);
      checkReplay(m.keyed.get(m.keyed.size() - 1), again);
      what += ", again " + again.status();
    }
    if (ident == Step.Ident.BOTH) {
      p.linked = true;
    }
    if (before != null && (r.status() != 200 || before != dealId)) {
      m.stepViolations.add(Violation.of("I2", "a lead lands on another deal",
          "lead of contact " + p.label() + " answered " + r.status() + " deal "
          + dealId + " while deal " + before + " was open", before, dealId));
    }
    Model.Deal d = m.deal(dealId, p.index);
    if (r.status() == 201) {
      d.owe("new lead", "new " + source + " lead at " + Invariants.local(s.clock.instant()),
          s.window().nextOpening(s.clock.instant()));
    } else if (!source.equals("manual")) {
      d.owe("message", "the customer wrote (" + source + ") at " + Invariants.local(s.clock.instant()),
          s.window().nextOpening(s.clock.instant()));
      m.owedByThisStep.add(dealId);
    }
    s.settle(false);
    return what;
  }

  private String replay(int keyedNo) {
    if (keyedNo >= m.keyed.size()) {
      return "skipped: no such keyed lead in this run";
    }
    Model.Keyed k = m.keyed.get(keyedNo);
    Service.Reply r = http(HttpMethod.POST, "/api/leads", ADMIN, k.body(), Map.of("Idempotency-Key", k.key()));
    checkReplay(k, r);
    s.settle(false);
    return r.status() + " deal " + r.json().getLong("id");
  }

  private void checkReplay(Model.Keyed k, Service.Reply r) {
    Long id = r.json().getLong("id");
    if (r.status() != k.status() || id == null || id != k.dealId()) {
      m.stepViolations.add(Violation.of("I10", "", "key " + k.key() + " first answered " + k.status() + " deal "
          + k.dealId() + ", now " + r.status() + " deal " + id, k.dealId()));
    }
  }

  private String outcome(Step.Outcome x) {
    Model.Person p = m.persons.get(x.contact());
    Long dealId = openDeal(p);
    if (dealId == null) {
      dealId = latestDeal(p);
    }
    if (dealId == null) {
      return "skipped: " + Step.letter(x.contact()) + " has no deal";
    }
    List<Row> cur = s.sql("""
        SELECT no, state, due_at FROM attempts WHERE deal_id = $1 AND state IN ('PENDING', 'FIRED', 'PLACED')
        ORDER BY state = 'PENDING', no LIMIT 1""", dealId);
    String timing = "";
    Instant now = s.clock.instant();
    if (!cur.isEmpty()) {
      Instant due = Invariants.instant(cur.get(0), "due_at");
      timing = "attempt " + cur.get(0).getInteger("no") + " " + cur.get(0).getString("state") + " due "
          + Invariants.local(due);
      Instant to = switch (x.timing()) {
        case ON_TIME -> due;
        case EARLY -> now;
        case LATE -> (due.isAfter(now) ? due : now).plus(x.lateBy());
      };
      if (to.isAfter(now)) {
        s.clock.moveTo(to);
        s.settle(true);
        timing += ", clock moved to " + Invariants.local(to);
      }
    } else if (x.timing() == Step.Timing.LATE) {
      s.clock.advance(x.lateBy());
      s.settle(true);
      timing = "no open attempt, clock moved to " + Invariants.local(s.clock.instant());
    } else {
      timing = "no open attempt";
    }
    JsonObject body = new JsonObject().put("result", x.result()).put("note", "model");
    Instant callBackAt = null;
    if (x.callBackAt()) {
      var w = s.window();
      var today = s.clock.instant().atZone(w.zone()).toLocalDate();
      callBackAt = w.openingOn(w.nextCallingDayAfter(today)).plus(Duration.ofHours(5));
      body.put("callBackAt", callBackAt.toString());
    }
    String token = ADMIN;
    if (x.asOwner()) {
      Long owner = s.sql("SELECT manager_id FROM deals WHERE id = $1", dealId).get(0).getLong(0);
      token = m.managers.stream().filter(mg -> owner != null && mg.id() == owner).map(Model.Manager::token)
          .findFirst().orElse(ADMIN);
    }
    Service.Reply r = http(HttpMethod.POST, "/api/deals/" + dealId + "/outcome", token, body, Map.of());
    if (r.status() == 400 && callBackAt != null) {
      m.stepViolations.add(Violation.of("I8", "callBackAt refused",
          "REACHED_CALL_LATER with callBackAt " + callBackAt + " refused: "
          + r.body(), dealId));
    }
    if (r.status() == 200) {
      Model.Deal d = m.deal(dealId, p.index);
      switch (x.result()) {
        case "REACHED" -> d.reached("the REACHED outcome at " + Invariants.local(s.clock.instant()));
        case "REACHED_CALL_LATER" -> {
          d.reached("the REACHED_CALL_LATER outcome at " + Invariants.local(s.clock.instant()));
          m.callLaterThisStep.add(new Model.CallLater(dealId, callBackAt));
        }
        default -> d.dueBy = null; // the callback was tried: the next one follows the ladder's spacing
      }
    }
    s.settle(false);
    return timing + "; " + r.status() + (r.status() == 200 ? " " + r.json().getString("status") : " "
        + Service.abbreviate(r.body(), 160));
  }

  private interface BodyFor {
    JsonObject body(long dealId);
  }

  /** POSTs to the contact's open deal (else their latest: a 409 is a fine answer). */
  private String onDeal(int contact, String action, BodyFor body) {
    Model.Person p = m.persons.get(contact);
    Long dealId = openDeal(p);
    if (dealId == null) {
      dealId = latestDeal(p);
    }
    if (dealId == null) {
      return "skipped: " + Step.letter(contact) + " has no deal";
    }
    Service.Reply r = http(HttpMethod.POST, "/api/deals/" + dealId + "/" + action, ADMIN, body.body(dealId), Map.of());
    if (r.status() == 200 && action.equals("close")) {
      m.deal(dealId, p.index).clear();
    }
    s.settle(false);
    return "deal " + dealId + ": " + r.status() + (r.status() >= 400 ? " " + rule(r) : "");
  }

  private String reopen(Model.Person p) {
    Long dealId = latestDeal(p);
    if (dealId == null) {
      return "skipped: " + Step.letter(p.index) + " has no deal";
    }
    Service.Reply r = http(HttpMethod.POST, "/api/deals/" + dealId + "/reopen", ADMIN, null, Map.of());
    if (r.status() == 200 || r.status() == 201) {
      long id = r.json().getLong("id");
      m.deal(dealId, p.index).clear();
      m.deal(id, p.index).clear();
    }
    s.settle(false);
    return "deal " + dealId + ": " + r.status() + (r.status() == 201 ? " new deal " + r.json().getLong("id")
        : r.status() >= 400 ? " " + rule(r) : "");
  }

  private static String rule(Service.Reply r) {
    JsonObject j = r.json();
    return j.getString("rule", j.getString("error", Service.abbreviate(r.body(), 120)));
  }

  // --- reading ------------------------------------------------------------------------------------------

  private Long openDeal(Model.Person p) {
    List<Row> rows = s.sql("""
        SELECT d.id FROM deals d JOIN contacts k ON k.id = d.contact_id
        WHERE d.status = 'OPEN' AND (k.phone = $1 OR k.email = $2) ORDER BY d.id LIMIT 1""", p.phone, p.email);
    return rows.isEmpty() ? null : rows.get(0).getLong(0);
  }

  private Long latestDeal(Model.Person p) {
    List<Row> rows = s.sql("""
        SELECT d.id FROM deals d JOIN contacts k ON k.id = d.contact_id
        WHERE k.phone = $1 OR k.email = $2 ORDER BY d.id DESC LIMIT 1""", p.phone, p.email);
    return rows.isEmpty() ? null : rows.get(0).getLong(0);
  }

  /** Every request goes through here: a 5xx breaks I4. */
  private Service.Reply http(HttpMethod method, String path, String token, JsonObject body,
                             Map<String, String> headers) {
    Service.Reply r = s.send(method, path, token, body, headers);
    if (r.status() >= 500) {
      m.stepViolations.add(Violation.of("I4", "5xx on " + method + " " + path.replaceAll("[0-9]+", "{id}"),
          r.toString()));
    }
    return r;
  }
}
