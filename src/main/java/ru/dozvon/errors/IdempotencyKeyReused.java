package ru.dozvon.errors;

/**
 * An {@code Idempotency-Key} sent again with a different request: HTTP 422. Answering the first
 * request's deal would drop the second lead without a word, so it is refused and the sender told to
 * use a new key for a new request.
 */
public final class IdempotencyKeyReused extends DomainException {

  private final String key;

  public IdempotencyKeyReused(String key) {
    super("Idempotency-Key '" + key + "' was already used for a different request; "
        + "send the same body to repeat that request, or a new key for a new one");
    this.key = key;
  }

  public String key() {
    return key;
  }

  @Override
  public String code() {
    return "idempotency_key_reused";
  }
}
