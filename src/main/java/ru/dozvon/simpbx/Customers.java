package ru.dozvon.simpbx;

/**
 * How a customer the simulated PBX dials answers, by the last digit of the number (as a test PBX's dialplan would):
 * <ul>
 *   <li>0, 5, 8, 9: answers (0 after a short ring, 5/8/9 after a longer one);</li>
 *   <li>1, 6: never answers (DialStatus NOANSWER when the dial times out);</li>
 *   <li>2, 7: busy (BUSY, cause 17);</li>
 *   <li>3: the carrier is congested (CONGESTION, cause 34);</li>
 *   <li>4: the trunk cannot be used (CHANUNAVAIL, no customer channel at all).</li>
 * </ul>
 * A number without digits answers.
 */
public final class Customers {

  /** What happens on the customer's leg. */
  public enum Answer { ANSWER, NOANSWER, BUSY, CONGESTION, CHANUNAVAIL }

  private Customers() {
  }

  public static Answer byNumber(String number) {
    int digit = -1;
    for (int i = number == null ? -1 : number.length() - 1; i >= 0; i--) {
      char c = number.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = c - '0';
        break;
      }
    }
    return switch (digit) {
      case 1, 6 -> Answer.NOANSWER;
      case 2, 7 -> Answer.BUSY;
      case 3 -> Answer.CONGESTION;
      case 4 -> Answer.CHANUNAVAIL;
      default -> Answer.ANSWER;
    };
  }

  /** How long the customer's phone rings before the dial ends, in units of the PBX's ring time. */
  static double ringFactor(String number) {
    char last = number == null || number.isEmpty() ? '0' : number.charAt(number.length() - 1);
    return switch (byNumber(number)) {
      case ANSWER -> last == '0' ? 0.5 : 1.0;
      case NOANSWER -> 2.0;
      case BUSY -> 0.25;
      case CONGESTION -> 0.1;
      case CHANUNAVAIL -> 0.0;
    };
  }
}
