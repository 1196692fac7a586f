package ru.dozvon.config;

/**
 * A setting that cannot be used. The message is one line naming the key, the value and the
 * expected form, e.g. {@code DOZVON_HTTP_PORT=abc: expected a port number 1-65535}.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
