package ru.dozvon.simpbx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Variants of the captured calls that no capture holds. */
final class Templates {

  private Templates() {
  }

  /**
   * A click-to-call to a busy customer on the PJSIP PBX: its no-answer capture with what Asterisk reports when the
   * carrier answers 486 Busy Here (the Local capture {@code c2c_busy} shows the same): {@code DialStatus: BUSY},
   * {@code DIALSTATUS=BUSY}, the trunk's Hangup cause 17 (User busy), the CDR's disposition BUSY.
   */
  static Template busy(String noAnswerResource) {
    String text = read(noAnswerResource).replace("\r\n", "\n")
        .replace("DialStatus: NOANSWER", "DialStatus: BUSY")
        .replace("Variable: DIALSTATUS\nValue: NOANSWER", "Variable: DIALSTATUS\nValue: BUSY")
        .replace("DIALSTATUS=NOANSWER", "DIALSTATUS=BUSY")
        .replace("Cause: 0\nCause-txt: Unknown", "Cause: 17\nCause-txt: User busy")
        .replace("Disposition: NO ANSWER", "Disposition: BUSY")
        .replace("\n", "\r\n");
    return Template.parse(noAnswerResource + "#busy", Shape.PJSIP, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String read(String resource) {
    try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
