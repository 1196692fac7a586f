package ru.dozvon.routing;

import java.util.Objects;

/**
 * A deal that needs a manager.
 *
 * @param dealId the deal being routed
 * @param source where the request came from ({@code missed_call}, {@code web_form}, ...); picks the
 *     strategy when the config overrides it per source
 * @param score qualification score, the sum of the criteria points; higher is a better lead
 * @param previousManagerId the manager who had this customer before (a returning customer), or null
 */
public record LeadToRoute(long dealId, String source, int score, Long previousManagerId) {

  public LeadToRoute {
    Objects.requireNonNull(source, "source");
  }

  /** A lead from a customer nobody has worked with before. */
  public static LeadToRoute fresh(long dealId, String source, int score) {
    return new LeadToRoute(dealId, source, score, null);
  }
}
