package ru.dozvon.web;

import ru.dozvon.errors.Forbidden;

/**
 * The authenticated caller of a request.
 *
 * @param managerId the manager behind an operator's or supervisor's token; null for the admin
 */
public record Principal(Role role, Long managerId) {

  public boolean isStaff() {
    return role == Role.ADMIN || role == Role.SUPERVISOR;
  }

  /** Refuses unless the caller has one of the roles. */
  public void require(Role... roles) {
    for (Role r : roles) {
      if (r == role) {
        return;
      }
    }
    throw new Forbidden("this needs the role " + java.util.Arrays.toString(roles).toLowerCase(java.util.Locale.ROOT)
        + ", the caller is " + role.dbName());
  }

  /** Refuses an operator acting on another manager's data; staff may act on anyone's. */
  public void requireSelfOrStaff(long managerId) {
    if (!isStaff() && (this.managerId == null || this.managerId != managerId)) {
      throw new Forbidden("an operator may act on their own data only");
    }
  }

  /** "admin", "manager:12": who did a thing, for history rows. */
  public String actor() {
    return managerId == null ? role.dbName() : "manager:" + managerId;
  }
}
