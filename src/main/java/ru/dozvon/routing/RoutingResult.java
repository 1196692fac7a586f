package ru.dozvon.routing;

/** The outcome of routing one lead: an {@link Assignment} or {@link Unassigned}. */
public sealed interface RoutingResult permits Assignment, Unassigned {
}
