package ru.dozvon.deals;

/** Who a task is for: the deal's manager, or the supervisor who checks the manager's work. */
public enum AssigneeRole { MANAGER, SUPERVISOR }
