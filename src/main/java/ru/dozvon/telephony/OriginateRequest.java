package ru.dozvon.telephony;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * An AMI Originate as click-to-call will place it: ring {@code channel} (the operator's phone) and,
 * once answered, continue the call at {@code context}/{@code exten}/{@code priority} (which dials the
 * customer).
 *
 * @param ringTimeout     how long Asterisk rings {@code channel} before giving up
 * @param responseTimeout how long we wait for the OriginateResponse event; it arrives once the
 *                        channel is answered or gave up, so it must be longer than the ring time
 * @param tag             goes into the ActionID ({@code dozvon-<tag>-<n>}, e.g. {@code dozvon-attempt-17-3}) so that
 *                        the OriginateResponse names what the call was for; null: {@code dozvon-originate-<n>}
 */
public record OriginateRequest(
    String channel,
    String context,
    String exten,
    int priority,
    String callerId,
    Map<String, String> variables,
    Duration ringTimeout,
    Duration responseTimeout,
    String tag) {

  /** Without a tag: ActionID {@code dozvon-originate-<n>}. */
  public OriginateRequest(String channel, String context, String exten, int priority, String callerId,
                          Map<String, String> variables, Duration ringTimeout, Duration responseTimeout) {
    this(channel, context, exten, priority, callerId, variables, ringTimeout, responseTimeout, null);
  }

  public OriginateRequest {
    if (tag != null && !tag.matches("[a-z0-9-]{1,40}")) {
      throw new IllegalArgumentException("tag must be 1-40 of a-z 0-9 -, was " + tag);
    }
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(exten, "exten");
    variables = variables == null ? Map.of() : Map.copyOf(variables);
    Objects.requireNonNull(ringTimeout, "ringTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    if (priority < 1) {
      throw new IllegalArgumentException("priority must be >= 1, was " + priority);
    }
  }

  /** Rings {@code channel} for {@code ringTimeout}, waits that long plus 10 s for the outcome. */
  public static OriginateRequest of(String channel, String context, String exten, String callerId, Duration ringTimeout) {
    return new OriginateRequest(channel, context, exten, 1, callerId, Map.of(), ringTimeout,
        ringTimeout.plusSeconds(10));
  }
}
