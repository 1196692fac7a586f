package ru.dozvon.telephony.cdr;

import java.time.Instant;

/**
 * One row of Asterisk's CDR table as {@code cdr_pgsql} writes it (columns of
 * {@code contrib/realtime/postgresql/postgresql_cdr.sql}). Times are whole seconds; {@code answer} is null when the
 * leg was never answered (cdr_pgsql writes the epoch, 1970-01-01, for that). Absent or empty text columns are null.
 *
 * @param channel the record's party A; {@code dstchannel} its party B (null when it dialled nobody)
 * @param dcontext the dialplan context of party A when the record was cut
 * @param disposition {@code ANSWERED}, {@code NO ANSWER}, {@code BUSY}, {@code FAILED}, {@code CONGESTION}
 * @param linkedid the whole call's id: the same as AMI's Linkedid, so the same PBX call id
 */
public record CdrRow(Instant start, Instant answer, Instant end, String src, String dst, String dcontext,
                     String clid, String channel, String dstchannel, String lastapp, String lastdata,
                     Integer duration, Integer billsec, String disposition, String amaflags, String accountcode,
                     String uniqueid, String userfield, String peeraccount, String linkedid, Integer sequence) {

  /** The id the row's call is grouped by: its linkedid, or its own uniqueid when the linkedid is empty. */
  public String callId() {
    return linkedid != null ? linkedid : uniqueid;
  }

  /** Whether party B (a phone or channel the dialplan dialled) answered this leg. */
  boolean partyBAnswered() {
    return dstchannel != null && "ANSWERED".equals(disposition);
  }
}
