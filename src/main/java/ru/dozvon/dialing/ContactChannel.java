package ru.dozvon.dialing;

/** How a lead made contact by themselves, which stops the retry chain. */
public enum ContactChannel {
  /** The lead called back and an operator answered. */
  ANSWERED_INBOUND_CALL,
  EMAIL,
  CHAT,
  MESSENGER,
  SMS,
  /** Any other reply, recorded by hand. */
  OTHER
}
