package ru.dozvon.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Applies the {@link WebhookPolicy} to a URL: its text at once, then, for a name, every address the name
 * resolves to, looked up on a worker thread ({@link InetAddress} blocks). Used when a webhook URL is set and
 * again before every delivery, which then connects to the very address that was checked: a name pointed
 * elsewhere after the check (DNS changes, or rebinding on purpose) cannot move the delivery.
 */
public final class WebhookGuard {

  /** A destination the policy refuses. A delivery to it is not sent, and not tried again. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final WebhookPolicy policy;

  public WebhookGuard(Vertx vertx, WebhookPolicy policy) {
    this.vertx = vertx;
    this.policy = policy;
  }

  /**
   * Where a request to this URL may connect: empty when the host is trusted as it is (every address allowed,
   * or a name listed), so the HTTP client resolves it itself; otherwise the first of its addresses, all of them
   * checked. Fails with {@link Refused}, or with the look-up's {@link java.net.UnknownHostException}.
   */
  public Future<Optional<InetAddress>> destination(URI uri) {
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (host == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      return Future.failedFuture(new Refused("only http and https URLs with a host are called (this one: "
          + (host == null ? "no host" : scheme) + ")"));
    }
    Optional<String> no = policy.refuseLiteral(host);
    if (no.isPresent()) {
      return Future.failedFuture(new Refused(no.get()));
    }
    if (policy.trusts(host)) {
      return Future.succeededFuture(Optional.empty());
    }
    Optional<InetAddress> literal = Addresses.literal(WebhookPolicy.normalise(host));
    if (literal.isPresent()) {
      return Future.succeededFuture(literal); // checked on its text above
    }
    return vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false).compose(all -> {
      Optional<String> refused = policy.refuseAddresses(host, all);
      return refused.isPresent() ? Future.failedFuture(new Refused(refused.get()))
          : Future.succeededFuture(Optional.of(all.get(0)));
    });
  }
}
