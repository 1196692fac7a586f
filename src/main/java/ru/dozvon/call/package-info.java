/**
 * The vocabulary of one phone call, shared by {@code telephony} (which decides a call's direction and
 * outcome from the PBX's events) and {@code deals} (which acts on them): plain enums, no dependencies.
 */
package ru.dozvon.call;
