package ru.dozvon.reports;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * A table as CSV for Excel (docs/REPORTS.md, "CSV, for Excel"): UTF-8 with a byte order mark, {@code ;} between
 * fields, CRLF, decimal comma, quoting by RFC 4180 (Apache Commons CSV), and text that a spreadsheet would run
 * as a formula ({@code =}, {@code +}, {@code -}, {@code @}, tab, CR first) led by {@code '}.
 */
public final class Csv {

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final CSVFormat FORMAT = CSVFormat.Builder.create()
      .setDelimiter(';').setQuote('"').setRecordSeparator("\r\n").setQuoteMode(QuoteMode.MINIMAL)
      .get();

  private Csv() {
  }

  /** The bytes of the table: a header row, then the rows; null cells are empty. */
  public static byte[] table(List<String> header, List<List<Object>> rows) {
    StringWriter out = new StringWriter();
    try (CSVPrinter p = new CSVPrinter(out, FORMAT)) {
      p.printRecord(cells(new ArrayList<>(header)));
      for (List<Object> row : rows) {
        p.printRecord(cells(row));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] text = out.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[BOM.length + text.length];
    System.arraycopy(BOM, 0, all, 0, BOM.length);
    System.arraycopy(text, 0, all, BOM.length, text.length);
    return all;
  }

  private static List<String> cells(List<?> row) {
    List<String> out = new ArrayList<>(row.size());
    for (Object v : row) {
      out.add(cell(v));
    }
    return out;
  }

  /** One cell as text: numbers with a decimal comma, text made safe from formula injection. */
  static String cell(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return "";
      }
      BigDecimal b = BigDecimal.valueOf(d).stripTrailingZeros();
      if (b.scale() > 4) {
        b = b.setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
      }
      return b.toPlainString().replace('.', ',');
    }
    if (v instanceof Number n) {
      return n.toString();
    }
    return safeText(String.valueOf(v));
  }

  /** Text a spreadsheet would read as a formula gets a leading apostrophe. */
  static String safeText(String s) {
    if (s.isEmpty()) {
      return s;
    }
    char c = s.charAt(0);
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + s : s;
  }
}
