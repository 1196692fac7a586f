package ru.dozvon.deals;

/** A deal's urgency colour on the operator's screen: red urgent, yellow important, green standard. */
public enum Priority { RED, YELLOW, GREEN }
