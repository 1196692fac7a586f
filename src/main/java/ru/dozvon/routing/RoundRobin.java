package ru.dozvon.routing;

import java.util.List;
import java.util.Locale;

/**
 * Equal split in a cycle by manager id. The cursor is the id of the last manager served, so the cycle is
 * stable whatever order the manager list comes in and however managers join, leave or pause: the next lead
 * goes to the eligible manager with the smallest id above the cursor, wrapping round.
 */
final class RoundRobin {

  static final long START = Long.MIN_VALUE;

  private long cursor = START;

  long cursor() {
    return cursor;
  }

  void restore(long value) {
    cursor = value;
  }

  /** The next manager in turn among these candidates (not empty); moves the cursor. */
  Candidate next(List<Candidate> among) {
    Candidate above = null;
    Candidate lowest = null;
    for (Candidate c : among) {
      long id = c.managerId();
      if (id > cursor && (above == null || id < above.managerId())) {
        above = c;
      }
      if (lowest == null || id < lowest.managerId()) {
        lowest = c;
      }
    }
    Candidate chosen = above != null ? above : lowest;
    cursor = chosen.managerId();
    return chosen;
  }

  Pick pick(List<Candidate> eligible) {
    Candidate chosen = next(eligible);
    return new Pick(chosen, String.format(Locale.ROOT, "round_robin: chose %s, next in turn by id among %d eligible",
        chosen.describe(), eligible.size()));
  }
}
