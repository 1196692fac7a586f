package ru.dozvon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import ru.dozvon.store.DbUrl;
import ru.dozvon.deals.FunnelConfig;
import ru.dozvon.dialing.RetryConfig;
import ru.dozvon.intake.IntakeConfig;
import ru.dozvon.notify.WebhookPolicy;
import ru.dozvon.routing.RoutingConfig;
import ru.dozvon.dialing.DialerConfig;
import ru.dozvon.telephony.AmiSettings;
import ru.dozvon.telephony.OriginateSettings;
import ru.dozvon.telephony.TrackerSettings;

/**
 * Every setting of the service, read once at start-up by {@link ConfigLoader} and passed down by
 * constructor. Records holding secrets redact them in {@code toString()}.
 *
 * @param telephony call correlation: contexts (from the ami section), marker variable, time-outs
 * @param retry the callback ladder, calling window (company time zone) and per-number limits
 * @param funnel stages, reasons, qualification criteria
 * @param routing the lead routing strategy and conversion rating settings
 * @param intake webhook secrets per source and intake limits
 * @param webhooks the notify section: which hosts managers' webhooks may call (public addresses only, unless allowed)
 * @param phones operators' phones (the dial template) and the recordings folder, from the telephony section
 * @param placing how calls are placed (telephony section: operators' dial template, company caller id, the
 *     Originate queue's pace)
 * @param dialer the progressive dialer (dialer section)
 * @param cdr recovery of missed calls from Asterisk's CDR table (telephony.cdr section)
 * @param stream the live stream's replay buffer (stream section)
 * @param demo demo mode and its simulated PBX (demo section; config/demo-profile.yaml)
 * @param journal the write-ahead journal of ended calls and the bound on calls buffered in memory
 *     (telephony.journal section)
 * @param live the wallboard's figures and their red thresholds (live section)
 */
public record AppConfig(
    Http http, Database database, Ami ami, Auth auth, TrackerSettings telephony, RetryConfig retry,
    FunnelConfig funnel, RoutingConfig routing, IntakeConfig intake, WebhookPolicy webhooks,
    ru.dozvon.telephony.PhoneSettings phones, OriginateSettings placing, DialerConfig dialer,
    ru.dozvon.simpbx.DemoSettings demo, ru.dozvon.telephony.JournalSettings journal,
    ru.dozvon.live.LiveConfig live, ru.dozvon.telephony.cdr.CdrSettings cdr,
    ru.dozvon.live.StreamSettings stream) {

  /** HTTP server settings. */
  public record Http(int port, int maxBodyBytes) {
  }

  /**
   * Where the database is. An empty {@code url} means: start the embedded PostgreSQL in
   * {@code dataDir}. {@code callTransactions}: missed-call transactions running at once; the calls
   * that arrive meanwhile share the next one (group commit).
   */
  public record Database(Optional<DbUrl> url, Path dataDir, int poolSize, int callTransactions) {
    public boolean embedded() {
      return url.isEmpty();
    }
  }

  /**
   * The Asterisk manager interface. An empty host means no PBX: AMI is DISABLED.
   *
   * @param link the connection settings with timings, or null when no PBX is configured
   */
  public record Ami(String host, int port, String user, String secret,
                    List<String> inboundContexts, String originateContext, AmiSettings link) {
    public boolean enabled() {
      return !host.isEmpty();
    }

    @Override
    public String toString() {
      return "Ami[host=" + host + ", port=" + port + ", user=" + user + ", secret=***, inboundContexts="
          + inboundContexts + ", originateContext=" + originateContext + "]";
    }
  }

  /**
   * Authentication: the built-in admin's token and password, if given (otherwise each generated once), and how long
   * people's sessions last.
   *
   * @param sessionIdle a session unused this long ends
   * @param sessionMaxAge a session ends this long after sign-in, however much it is used
   * @param sessionCheck how often the sessions of open live streams are checked (a stream outlives its session's
   *     expiry at most this long; logout and the like end it at once)
   */
  public record Auth(Optional<String> adminToken, Optional<String> adminPassword, java.time.Duration sessionIdle,
                     java.time.Duration sessionMaxAge, java.time.Duration sessionCheck) {
    public Auth(Optional<String> adminToken) {
      this(adminToken, Optional.empty(), java.time.Duration.ofHours(12), java.time.Duration.ofDays(7),
          java.time.Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
      return "Auth[adminToken=" + (adminToken.isPresent() ? "***" : "<generated>") + ", adminPassword="
          + (adminPassword.isPresent() ? "***" : "<generated>") + ", sessionIdle=" + sessionIdle
          + ", sessionMaxAge=" + sessionMaxAge + ", sessionCheck=" + sessionCheck + "]";
    }
  }

}
