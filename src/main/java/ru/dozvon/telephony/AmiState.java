package ru.dozvon.telephony;

/** Where the AMI link to the PBX stands, as /health and the {@code dozvon_ami_connected} gauge show it. */
public enum AmiState {
  /** Not started, or stopped: Dozvon is not listening to a PBX. */
  DISABLED,
  /** Trying to (re)connect and log in; {@link AmiClient#lastError()} says why the last try failed. */
  CONNECTING,
  /** Logged in and answering our pings. */
  CONNECTED
}
