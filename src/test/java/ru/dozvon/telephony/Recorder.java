package ru.dozvon.telephony;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Test listener: records every call and whether it came on the expected Vert.x context. */
final class Recorder<E> implements AmiListener<E> {

  final List<E> events = new CopyOnWriteArrayList<>();
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<String> disconnectReasons = new CopyOnWriteArrayList<>();
  final AtomicInteger batches = new AtomicInteger();
  final AtomicInteger connects = new AtomicInteger();
  final AtomicInteger resyncs = new AtomicInteger();
  final AtomicInteger offContext = new AtomicInteger();
  volatile Context expected;

  @Override
  public void onEvents(List<E> batch) {
    check();
    batches.incrementAndGet();
    events.addAll(batch);
    calls.add("events:" + batch.size());
  }

  @Override
  public void onConnected() {
    check();
    connects.incrementAndGet();
    calls.add("connected");
  }

  @Override
  public void onDisconnected(String reason) {
    check();
    disconnectReasons.add(reason);
    calls.add("disconnected");
  }

  @Override
  public void onResyncComplete() {
    check();
    resyncs.incrementAndGet();
    calls.add("resynced");
  }

  long count(Class<?> type) {
    return events.stream().filter(type::isInstance).count();
  }

  private void check() {
    if (expected != null && Vertx.currentContext() != expected) {
      offContext.incrementAndGet();
    }
  }
}
