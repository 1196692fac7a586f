package ru.dozvon.routing;

/** What a strategy chose among the eligible candidates, and the sentence explaining it. */
record Pick(Candidate chosen, String reason) {
}
