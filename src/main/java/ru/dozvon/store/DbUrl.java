package ru.dozvon.store;

/** A parsed {@code postgresql://user:pass@host:port/db} URL; its {@code toString} hides the password. */
public record DbUrl(String host, int port, String database, String user, String password) {

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "postgresql://" + user + ":***@" + host + ":" + port + "/" + database;
  }
}
