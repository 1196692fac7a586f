package ru.dozvon.web;

/** Who may do what: the built-in admin, supervisors, and operators (who see only their own work). */
public enum Role {
  ADMIN, SUPERVISOR, OPERATOR;

  public String dbName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Role fromDb(String s) {
    return valueOf(s.toUpperCase(java.util.Locale.ROOT));
  }
}
