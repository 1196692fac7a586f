package ru.dozvon.web;

import java.time.Instant;

/**
 * A person's browser session, as found by its cookie ({@link SessionStore}).
 *
 * @param idHash SHA-256 of the cookie's value (the only form stored)
 * @param csrfToken what a state-changing request must carry in {@code X-CSRF-Token}
 */
public record Session(byte[] idHash, Principal principal, String csrfToken, Instant createdAt) {
}
