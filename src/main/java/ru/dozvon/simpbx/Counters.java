package ru.dozvon.simpbx;

import java.util.concurrent.atomic.AtomicLong;

/** The PBX-wide counters Asterisk numbers channels with: the Uniqueid's sequence and the channel name's hex suffix. */
final class Counters {
  final AtomicLong uniqueids = new AtomicLong(1);
  final AtomicLong channels = new AtomicLong(1);
}
