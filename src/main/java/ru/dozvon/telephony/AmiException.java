package ru.dozvon.telephony;

/** A failure talking to the PBX over AMI (not connected, action refused, no answer in time). */
public class AmiException extends RuntimeException {

  public AmiException(String message) {
    super(message, null, false, false);
  }
}
