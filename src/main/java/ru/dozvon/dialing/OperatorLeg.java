package ru.dozvon.dialing;

/**
 * How the operator's side of a placed call went, as the PBX reported it: their phone answered (the lead is being
 * dialled now), or it did not, and why. A failure on the operator's side is never the lead not answering: the attempt
 * stays open and the operator is told ({@link #text()}).
 *
 * @param answered the operator's phone answered
 * @param failure null when answered; else one of {@code unregistered}, {@code rejected}, {@code no_answer},
 *     {@code busy}, {@code congestion}, {@code refused}, {@code no_response}, {@code pbx_down}, {@code dropped}
 * @param detail what the PBX said, for the history (may be null)
 */
public record OperatorLeg(boolean answered, String failure, String detail) {

  public static final OperatorLeg ANSWERED = new OperatorLeg(true, null, null);

  public static OperatorLeg failed(String failure, String detail) {
    return new OperatorLeg(false, failure, detail);
  }

  /** What the operator is told, in their language. */
  public String text() {
    if (answered) {
      return "ваш телефон ответил, набираем клиента";
    }
    return switch (failure) {
      case "unregistered" -> "ваш телефон недоступен: не зарегистрирован или выключен";
      case "rejected" -> "ваш телефон сбросил вызов";
      case "no_answer" -> "ваш телефон не ответил";
      case "busy" -> "ваш телефон занят";
      case "congestion" -> "ваш телефон недоступен: перегрузка на АТС";
      case "refused" -> "АТС отказала в вызове";
      case "no_response" -> "АТС не сообщила, ответил ли ваш телефон";
      case "pbx_down" -> "нет связи с АТС";
      case "dropped" -> "вызов прервался до набора клиента";
      default -> "вызов не состоялся";
    };
  }
}
