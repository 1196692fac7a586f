package ru.dozvon.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the model did in one history and what it therefore expects: the contacts with the calls they
 * made, each deal's "callback owed" (the customer was missed or wrote, and nobody reached them since)
 * and "contact made", the keyed leads, the managers. The truth is always read back from the service;
 * this is only what to compare it with.
 */
final class Model {

  /** One customer of the history. */
  static final class Person {
    final int index;
    final History.ContactKind kind;
    final String phone;
    final String email;
    /** The service was told this phone and this email are one contact (a lead carrying both was accepted). */
    boolean linked;
    final List<String> linkedids = new ArrayList<>();

    Person(int index, History.ContactKind kind, String phone, String email) {
      this.index = index;
      this.kind = kind;
      this.phone = phone;
      this.email = email;
    }

    String label() {
      return Step.letter(index) + " (" + (phone == null ? "" : phone) + (phone != null && email != null ? ", " : "")
          + (email == null ? "" : email) + ")";
    }
  }

  /** What the model expects of one deal. */
  static final class Deal {
    final long id;
    final int person;
    /** A callback is owed: the customer was missed (or wrote on their own) and was not reached since. */
    boolean owed;
    /** What made it owed: "missed call", "message", "new lead". */
    String owedCause;
    String owedWhy;
    /** While set: the callback must be due by then (the calling window's next opening after the event). */
    Instant dueBy;
    /** A contact was made on this deal (answered inbound call, REACHED or REACHED_CALL_LATER). */
    boolean contacted;
    String contactWhy;

    Deal(long id, int person) {
      this.id = id;
      this.person = person;
    }

    void owe(String cause, String why, Instant dueBy) {
      owed = true;
      owedCause = cause;
      owedWhy = why;
      this.dueBy = dueBy;
    }

    void reached(String why) {
      owed = false;
      owedWhy = null;
      dueBy = null;
      contacted = true;
      contactWhy = why;
    }

    void clear() {
      owed = false;
      owedWhy = null;
      dueBy = null;
    }
  }

  /** A keyed lead as first answered: a replay with the same key and body must answer the same. */
  record Keyed(String key, JsonObject body, int status, long dealId) {
  }

  /** A manager of the history. */
  record Manager(long id, String token, String label) {
  }

  /** After a REACHED_CALL_LATER this step: the deal must be open with its next call scheduled. */
  record CallLater(long dealId, Instant callBackAt) {
  }

  final List<Person> persons = new ArrayList<>();
  final Map<Long, Deal> deals = new LinkedHashMap<>();
  final List<Keyed> keyed = new ArrayList<>();
  final List<Manager> managers = new ArrayList<>();
  final Map<String, Integer> callOwner = new HashMap<>();
  int baselinePending;

  // Set by the step just run, read by the invariants after it.
  final List<Long> owedByThisStep = new ArrayList<>();
  final List<CallLater> callLaterThisStep = new ArrayList<>();
  final List<Violation> stepViolations = new ArrayList<>();

  Deal deal(long id, int person) {
    return deals.computeIfAbsent(id, i -> new Deal(i, person));
  }

  List<String> allLinkedids() {
    List<String> all = new ArrayList<>();
    persons.forEach(p -> all.addAll(p.linkedids));
    return all;
  }

  String[] phones() {
    return persons.stream().map(p -> p.phone).filter(x -> x != null).toArray(String[]::new);
  }

  String[] emails() {
    return persons.stream().map(p -> p.email).filter(x -> x != null).toArray(String[]::new);
  }

  Long[] managerIds() {
    return managers.stream().map(Manager::id).toArray(Long[]::new);
  }

  void startStep() {
    owedByThisStep.clear();
    callLaterThisStep.clear();
    stepViolations.clear();
  }
}
