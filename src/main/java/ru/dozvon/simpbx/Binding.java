package ru.dozvon.simpbx;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One call's own values for a {@link Template}'s slots: fresh Uniqueids (time of the call and a PBX-wide counter, the
 * Linkedid being the first channel's, as Asterisk makes them), channel sequence numbers, bridge ids, the operators'
 * extensions and devices, the customer's number, the Originate's ActionID, context and variables.
 */
final class Binding {

  final Template template;
  final String[] ids;
  final String[] seqs;
  final String[] uuids;
  final String[] exts;
  final String[] devices;
  final String core;
  final String full;
  String actionId = "";
  String context = "click-to-call";
  List<String> variables = List.of();
  private long dateShift;

  Binding(Template t, Counters counters, Random random, List<String> operatorExts, List<String> operatorDevices,
          String customer) {
    this.template = t;
    long sec = System.currentTimeMillis() / 1000;
    ids = new String[t.ids];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = sec + "." + counters.uniqueids.getAndIncrement();
    }
    seqs = new String[t.seqs];
    for (int i = 0; i < seqs.length; i++) {
      seqs[i] = String.format(Locale.ROOT, "%08x", counters.channels.getAndIncrement() & 0xffffffffL);
    }
    uuids = new String[t.uuids];
    for (int i = 0; i < uuids.length; i++) {
      uuids[i] = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }
    exts = new String[t.exts.size()];
    devices = new String[t.exts.size()];
    for (int i = 0; i < exts.length; i++) {
      exts[i] = operatorExts.get(i % operatorExts.size());
      devices[i] = operatorDevices.get(i % operatorDevices.size());
    }
    full = customer;
    String digits = customer.replaceAll("\\D", "");
    core = digits.length() >= 10 ? digits.substring(digits.length() - 10) : digits;
  }

  /** Receives the rendered events the PBX keeps state from (device states, live channels). */
  interface Observer {
    void event(String type, String[] keys, String[] values);
  }

  /**
   * Appends blocks {@code from..to} with timestamps moved by {@code shiftMicros}; the Originate's variables follow
   * the first Newchannel as VarSet events.
   */
  void render(int from, int to, long shiftMicros, long dateShiftSeconds, StringBuilder out, Observer observer) {
    this.dateShift = dateShiftSeconds;
    for (int i = from; i < to; i++) {
      Template.Block b = template.blocks.get(i);
      Template.Field[] fields = b.fields();
      String[] keys = new String[fields.length];
      String[] values = new String[fields.length];
      for (int f = 0; f < fields.length; f++) {
        keys[f] = fields[f].key();
        values[f] = value(fields[f].parts(), shiftMicros);
        out.append(keys[f]).append(": ").append(values[f]).append("\r\n");
      }
      out.append("\r\n");
      String type = b.event();
      if (observer != null && type != null && (type.equals("DeviceStateChange") || type.equals("Newchannel")
          || type.equals("Newstate") || type.equals("Hangup"))) {
        observer.event(type, keys, values);
      }
      if (i == template.firstNewchannel && !variables.isEmpty()) {
        varSets(keys, values, out);
      }
    }
  }

  private void varSets(String[] keys, String[] values, StringBuilder out) {
    for (String v : variables) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      out.append("Event: VarSet\r\nPrivilege: dialplan,all\r\n");
      for (int f = 0; f < keys.length; f++) {
        String k = keys[f];
        if (k.equalsIgnoreCase("Timestamp") || k.equalsIgnoreCase("Channel") || k.equalsIgnoreCase("ChannelState")
            || k.equalsIgnoreCase("ChannelStateDesc") || k.equalsIgnoreCase("CallerIDNum")
            || k.equalsIgnoreCase("Context") || k.equalsIgnoreCase("Exten") || k.equalsIgnoreCase("Priority")
            || k.equalsIgnoreCase("Uniqueid") || k.equalsIgnoreCase("Linkedid")) {
          out.append(k).append(": ").append(values[f]).append("\r\n");
        }
      }
      out.append("Variable: ").append(v, 0, eq).append("\r\nValue: ").append(v, eq + 1, v.length()).append("\r\n\r\n");
    }
  }

  private String value(Object[] parts, long shift) {
    if (parts.length == 1 && parts[0] instanceof String s) {
      return s;
    }
    StringBuilder sb = new StringBuilder(32);
    for (Object p : parts) {
      if (p instanceof String s) {
        sb.append(s);
        continue;
      }
      Template.Slot slot = (Template.Slot) p;
      switch (slot.kind()) {
        case ID -> sb.append(ids[slot.n()]);
        case SEQ -> sb.append(seqs[slot.n()]);
        case UUID -> sb.append(uuids[slot.n()]);
        case EXT -> sb.append(exts[slot.n()]);
        case DEVICE -> sb.append(devices[slot.n()]);
        case CORE -> sb.append(core);
        case FULL -> sb.append(full);
        case TS -> timestamp(slot.value() + shift, sb);
        case DATETIME -> sb.append(Template.CDR_TIME.format(
            LocalDateTime.ofEpochSecond(slot.value() + dateShift, 0, ZoneOffset.UTC)));
        case ACTIONID -> sb.append(actionId);
        case CONTEXT -> sb.append(context);
        default -> throw new IllegalStateException(slot.toString());
      }
    }
    return sb.toString();
  }

  static void timestamp(long micros, StringBuilder sb) {
    long frac = micros % 1_000_000;
    sb.append(micros / 1_000_000).append('.');
    for (long d = 100_000; d > 1 && frac < d; d /= 10) {
      sb.append('0');
    }
    sb.append(frac);
  }
}
