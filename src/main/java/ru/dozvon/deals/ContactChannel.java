package ru.dozvon.deals;

import java.util.Locale;
import java.util.Optional;

/**
 * The way a lead and the company were in touch: a two-way contact (an answered call, a manager's reply) or
 * the lead's own message ({@link DealEvent.CustomerMessage}), which is not contact.
 */
public enum ContactChannel {
  /** The lead called and an operator answered. */
  ANSWERED_INBOUND_CALL,
  /** We called the lead and they answered (a callback attempt, click-to-call). */
  ANSWERED_OUTBOUND_CALL,
  EMAIL,
  CHAT,
  MESSENGER,
  SMS,
  WEB_FORM,
  /** Anything else, recorded by hand. */
  OTHER;

  /** The channel of a lead's source ({@code chat}, {@code email}, ...); empty for sources that are not messages. */
  public static Optional<ContactChannel> ofLeadSource(String source) {
    return switch (source == null ? "" : source.toLowerCase(Locale.ROOT)) {
      case "chat" -> Optional.of(CHAT);
      case "email" -> Optional.of(EMAIL);
      case "messenger" -> Optional.of(MESSENGER);
      case "sms" -> Optional.of(SMS);
      case "web_form" -> Optional.of(WEB_FORM);
      default -> Optional.empty();
    };
  }
}
