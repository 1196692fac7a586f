package ru.dozvon.intake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.errors.NotFound;
import ru.dozvon.errors.Unauthorized;
import ru.dozvon.web.Api;
import ru.dozvon.web.Failures;
import ru.dozvon.web.RouteGroup;

/**
 * {@code POST /hooks/forms/{source}}: a site form posts a lead signed with the source's secret
 * (outside /api bearer auth). Refused: an unknown or unconfigured source (404), missing or bad
 * signature or a timestamp more than the allowed skew away (401), a replay (409); every refusal is
 * logged with the source and the sender's address, never the secret. Accepted: 201 or 200 with the
 * deal id (the deal itself stays behind authentication).
 */
public final class FormHookRoutes implements RouteGroup {

  private static final Logger LOG = LoggerFactory.getLogger(FormHookRoutes.class);

  private final IntakeConfig config;
  private final LeadIntake intake;
  private final Clock clock;

  public FormHookRoutes(IntakeConfig config, LeadIntake intake, Clock clock) {
    this.config = config;
    this.intake = intake;
    this.clock = clock;
  }

  @Override
  public void mount(Router root) {
    root.post("/hooks/forms/:source").handler(Failures.bodyLimit(config.webhookMaxBodyBytes()));
    root.post("/hooks/forms/:source")
        .handler(BodyHandler.create(false).setBodyLimit(config.webhookMaxBodyBytes()))
        .handler(this::hook);
  }

  private void hook(RoutingContext ctx) {
    String source = ctx.pathParam("source");
    String from = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    String secret = config.secret(source).orElse(null);
    if (secret == null) {
      LOG.warn("Form webhook refused: no webhook for source '{}' (from {})", clip(source), from);
      throw new NotFound("webhook source '" + clip(source) + "'");
    }
    Buffer raw = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    String signature = ctx.request().getHeader(WebhookSignature.SIGNATURE_HEADER);
    var verdict = WebhookSignature.verify(secret, ctx.request().getHeader(WebhookSignature.TIMESTAMP_HEADER),
        signature, raw.getBytes(), clock.instant(), config.maxSkew());
    if (verdict != WebhookSignature.Verdict.OK) {
      LOG.warn("Form webhook refused: {} for source '{}' (from {}, {} bytes)", verdict, source, from, raw.length());
      throw new Unauthorized(switch (verdict) {
        case MISSING_HEADERS -> "missing " + WebhookSignature.TIMESTAMP_HEADER + " or " + WebhookSignature.SIGNATURE_HEADER;
        case MALFORMED_TIMESTAMP -> WebhookSignature.TIMESTAMP_HEADER + " must be unix seconds";
        case STALE_TIMESTAMP -> "timestamp is more than " + config.maxSkew().toMinutes() + " min away from now";
        default -> "signature does not match";
      });
    }
    JsonObject body = Api.jsonObject(raw, Lead.BODY_FIELDS);
    Lead lead = Lead.parse(body, source);
    Optional<String> key = LeadRoutes.idempotencyKey(ctx.request().getHeader(LeadRoutes.IDEMPOTENCY_KEY));
    intake.accept(lead, key, Optional.of(new PgLeadIntake.Nonce(source, signature.strip())), "webhook:" + source)
        .onSuccess(a -> Api.send(ctx, a.status(), new JsonObject().put("dealId", a.dealId())
            .put("created", a.status() == 201)))
        .onFailure(err -> {
          if (err instanceof ru.dozvon.errors.RuleViolation rv && "replay".equals(rv.rule())) {
            LOG.warn("Form webhook refused: replay for source '{}' (from {})", source, from);
          }
          ctx.fail(err);
        });
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
