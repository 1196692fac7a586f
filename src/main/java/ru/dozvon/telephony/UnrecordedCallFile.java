package ru.dozvon.telephony;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumber;

/**
 * Ended calls the database could not take yet, kept in a local file so that a restart or a crash during a
 * database outage loses none of them. One line per change, flushed to disk before the call counts as kept:
 * {@code +<call as JSON>} when a call could not be recorded, {@code -<pbx call id>} once it was. At start the
 * calls added and not removed are read back and recorded (idempotent on the PBX call id, so a call recorded just
 * before a crash is only a duplicate). The file is emptied whenever nothing is left to record.
 *
 * <p>Only failed calls are written: while the database is up the file stays empty and costs nothing. Writes run
 * on a worker, in order ({@code executeBlocking} ordered, called from the telephony event loop).
 */
final class UnrecordedCallFile {

  private static final Logger LOG = LoggerFactory.getLogger(UnrecordedCallFile.class);

  private final Vertx vertx;
  private final Path file;

  UnrecordedCallFile(Vertx vertx, Path file) {
    this.vertx = vertx;
    this.file = file;
  }

  /** Keeps a call that could not be recorded; completes once it is on disk. */
  Future<Void> kept(CallFacts call) {
    return write("+" + toJson(call).encode());
  }

  /** The call was recorded after all. */
  Future<Void> recorded(String pbxCallId) {
    return write("-" + pbxCallId);
  }

  /** Nothing is waiting any more: the file is emptied. */
  Future<Void> clear() {
    return blocking(() -> {
      if (Files.exists(file)) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ch.force(true);
        }
      }
      return null;
    });
  }

  /** The calls kept and not recorded since, oldest first (a torn last line, from a crash mid-write, is skipped). */
  Future<List<CallFacts>> load() {
    return blocking(() -> {
      if (!Files.exists(file)) {
        return List.of();
      }
      endTornLine();
      Map<String, CallFacts> waiting = new LinkedHashMap<>();
      int lineNo = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          if (line.charAt(0) == '+') {
            CallFacts c = fromJson(new JsonObject(line.substring(1)));
            waiting.put(c.pbxCallId(), c);
          } else if (line.charAt(0) == '-') {
            waiting.remove(line.substring(1));
          } else {
            throw new IllegalArgumentException("unknown line kind '" + line.charAt(0) + "'");
          }
        } catch (RuntimeException e) {
          LOG.warn("Unrecorded-calls file {}: line {} skipped ({})", file, lineNo, e.getMessage());
        }
      }
      return new ArrayList<>(waiting.values());
    });
  }

  /** A crash mid-write leaves a last line without its end: end it, so the next line written starts clean. */
  private void endTornLine() throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size == 0) {
        return;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, size - 1);
      if (last.get(0) != '\n') {
        ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
        ch.force(false);
      }
    }
  }

  private Future<Void> write(String line) {
    return blocking(() -> {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
      }
      return null;
    });
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(() -> {
      try {
        return work.call();
      } catch (IOException e) {
        throw new UncheckedIOException("unrecorded-calls file " + file + ": " + e.getMessage(), e);
      }
    }, true);
  }

  static JsonObject toJson(CallFacts c) {
    return new JsonObject().put("pbxCallId", c.pbxCallId()).put("direction", c.direction().name()).put("outcome", c.outcome().name())
        .put("missed", c.missed())
        .put("phone", c.customer() == null ? null : c.customer().e164())
        .put("phoneKind", c.customer() == null ? null : c.customer().kind().name())
        .put("callerRaw", c.callerRaw()).put("withheld", c.withheld()).put("companyNumber", c.companyNumber())
        .put("operator", c.operatorExtension()).put("queue", c.queue())
        .put("startedAt", iso(c.startedAt())).put("answeredAt", iso(c.answeredAt())).put("endedAt", iso(c.endedAt()))
        .put("ringSeconds", c.ringSeconds()).put("talkSeconds", c.talkSeconds()).put("expired", c.expired())
        .put("recording", c.recording())
        .put("attemptId", c.attemptId()).put("hangupCause", c.hangupCause()).put("waitSeconds", c.waitSeconds());
  }

  static CallFacts fromJson(JsonObject j) {
    String phone = j.getString("phone");
    PhoneNumber customer = phone == null ? null
        : new PhoneNumber(phone, PhoneNumber.Kind.valueOf(j.getString("phoneKind")));
    return new CallFacts(required(j, "pbxCallId"), CallDirection.valueOf(required(j, "direction")),
        CallOutcome.valueOf(required(j, "outcome")),
        j.getBoolean("missed"), customer, j.getString("callerRaw"), j.getBoolean("withheld", false),
        j.getString("companyNumber"), j.getString("operator"), j.getString("queue"),
        instant(j, "startedAt"), instant(j, "answeredAt"), instant(j, "endedAt"),
        j.getInteger("ringSeconds", 0), j.getInteger("talkSeconds", 0), j.getBoolean("expired", false),
        j.getString("recording"), j.getLong("attemptId"), j.getInteger("hangupCause"), j.getInteger("waitSeconds", 0));
  }

  private static String required(JsonObject j, String key) {
    String v = j.getString(key);
    if (v == null) {
      throw new IllegalArgumentException("no " + key);
    }
    return v;
  }

  private static String iso(Instant i) {
    return i == null ? null : i.toString();
  }

  private static Instant instant(JsonObject j, String key) {
    String v = j.getString(key);
    return v == null ? null : Instant.parse(v);
  }
}
