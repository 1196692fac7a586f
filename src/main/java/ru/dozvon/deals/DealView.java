package ru.dozvon.deals;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the funnel rules need to know about a deal, copied out of the store. The rules never load
 * or save anything; the caller builds this view, asks a rule, and stores what the rule answers.
 *
 * @param status open or how it was closed
 * @param stage the current stage code
 * @param fields the deal's filled fields (platform, niche, budget...); blank values count as empty
 * @param attemptCount contact attempts made so far (calls, messages)
 * @param lastContactAt the last real contact (answered call or reply), or {@code null} if never
 * @param createdAt when the request arrived
 * @param closedAt when the deal was closed; required for closed deals, {@code null} for open ones
 * @param lossReason the loss reason code of a lost deal, else {@code null}
 */
public record DealView(DealStatus status, String stage, Map<String, String> fields, int attemptCount,
    Instant lastContactAt, Instant createdAt, Instant closedAt, String lossReason) {

  public DealView {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stage, "stage");
    fields = Map.copyOf(Objects.requireNonNull(fields, "fields"));
    Objects.requireNonNull(createdAt, "createdAt");
    if (attemptCount < 0) {
      throw new IllegalArgumentException("attemptCount must be >= 0: " + attemptCount);
    }
    if (status.isClosed() && closedAt == null) {
      throw new IllegalArgumentException("a " + status + " deal needs closedAt");
    }
  }

  /** An open deal as it arrives: no attempts, no contact yet. */
  public static DealView arrived(String stage, Instant createdAt) {
    return new DealView(DealStatus.OPEN, stage, Map.of(), 0, null, createdAt, null, null);
  }

  /** The moment silence is counted from: the last contact, or the arrival if there was none. */
  public Instant silentSince() {
    return lastContactAt != null ? lastContactAt : createdAt;
  }

  /** A field's value if it is filled (not blank). */
  public Optional<String> field(String name) {
    String v = fields.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }
}
