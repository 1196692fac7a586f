package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.NotFound;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/**
 * {@code GET /api/calls/{id}/recording}: the call's recording (MixMonitor's file, named on the call by the
 * dialplan's {@code DOZVON_RECORDING}) streamed from the recordings folder, with single HTTP ranges (206,
 * {@code Content-Range}; 416 for a range outside the file). To staff, and to the call's operator: the manager
 * whose extension took the call, or the owner of the call's deal. A name that resolves outside the folder
 * (absolute, {@code ..}, a symlink pointing out) is refused with 403 and never read.
 */
public final class CallRecordingRoutes implements RouteGroup {

  private static final String CALL = """
      SELECT c.recording, d.manager_id AS owner, m.id AS operator
      FROM calls c LEFT JOIN deals d ON d.id = c.deal_id LEFT JOIN managers m ON m.extension = c.operator_ext
      WHERE c.id = $1""";

  private final Pool pool;
  private final Path folder;

  /** @param folder {@code telephony.recordings_dir}; null: no recording is served (404) */
  public CallRecordingRoutes(Pool pool, Path folder) {
    this.pool = pool;
    this.folder = folder;
  }

  @Override
  public void mount(Router api) {
    api.get("/calls/:id/recording").handler(this::recording);
  }

  private void recording(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    long id = Api.idParam(ctx, "id");
    pool.preparedQuery(CALL).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        throw new NotFound("call " + id);
      }
      Row r = rows.iterator().next();
      boolean theirs = p.managerId() != null && (Objects.equals(p.managerId(), r.getLong("owner"))
          || Objects.equals(p.managerId(), r.getLong("operator")));
      if (!p.isStaff() && !theirs) {
        throw new Forbidden("the recording of call " + id + " is for staff and the call's operator only");
      }
      String name = r.getString("recording");
      if (name == null || folder == null) {
        throw new NotFound("recording of call " + id);
      }
      return resolve(ctx.vertx(), name, id);
    }).onSuccess(file -> send(ctx, file)).onFailure(ctx::fail);
  }

  /** The file, checked inside the folder with every symlink followed (blocking file system calls: a worker). */
  private Future<Path> resolve(Vertx vertx, String name, long id) {
    return vertx.executeBlocking(() -> {
      Path inside = RecordingFolder.resolve(folder, name);
      if (inside == null) {
        throw new Forbidden("the recording of call " + id + " is outside the recordings folder");
      }
      if (!java.nio.file.Files.isRegularFile(inside)) {
        throw new NotFound("recording of call " + id);
      }
      return inside;
    }, false);
  }

  private static void send(RoutingContext ctx, Path file) {
    HttpServerResponse res = ctx.response();
    ctx.vertx().fileSystem().props(file.toString()).onFailure(ctx::fail).onSuccess(props -> {
      long size = props.size();
      res.putHeader("Accept-Ranges", "bytes").putHeader("Content-Type", contentType(file))
          .putHeader("Cache-Control", "private, no-store");
      RecordingFolder.Range range = RecordingFolder.range(ctx.request().getHeader("Range"), size);
      if (range == RecordingFolder.Range.UNSATISFIABLE) {
        res.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
        return;
      }
      if (range == null) {
        res.setStatusCode(200).sendFile(file.toString()).onFailure(ctx::fail);
        return;
      }
      res.setStatusCode(206)
          .putHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size)
          .sendFile(file.toString(), range.first(), range.length()).onFailure(ctx::fail);
    });
  }

  private static String contentType(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".wav")) {
      return "audio/wav";
    }
    if (n.endsWith(".mp3")) {
      return "audio/mpeg";
    }
    if (n.endsWith(".ogg") || n.endsWith(".opus")) {
      return "audio/ogg";
    }
    return n.endsWith(".gsm") ? "audio/x-gsm" : "application/octet-stream";
  }
}
