package ru.dozvon;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import ru.dozvon.dialing.OperatorLeg;
import ru.dozvon.dialing.Pbx;
import ru.dozvon.dialing.PlaceCall;
import ru.dozvon.telephony.AmiException;
import ru.dozvon.telephony.OriginateResult;
import ru.dozvon.telephony.PlacedCalls;
import ru.dozvon.telephony.TelephonyService;

/**
 * Dialing's port to the PBX ({@link Pbx}) on telephony ({@link TelephonyService}): part of the wiring, so that neither
 * feature depends on the other. Translates the OriginateResponse's reason codes into the operator's side of the call.
 */
final class PbxLink implements Pbx {

  private final TelephonyService telephony;
  private final java.time.Clock clock;

  PbxLink(TelephonyService telephony, java.time.Clock clock) {
    this.telephony = telephony;
    this.clock = clock;
  }

  @Override
  public boolean connected() {
    return "CONNECTED".equals(telephony.state());
  }

  @Override
  public boolean busy(String extension) {
    return telephony.placedCalls().busy(extension);
  }

  @Override
  public String device(String extension) {
    return telephony.placing().operatorDial().device(extension);
  }

  @Override
  public CompletionStage<OperatorLeg> place(PlaceCall call) {
    var placed = new PlacedCalls.Placed(call.dealId(), call.attemptId(), call.extension(), call.phone().e164(),
        clock.instant());
    return telephony.place(placed).map(PbxLink::leg)
        .recover(e -> io.vertx.core.Future.succeededFuture(failure(e)))
        .toCompletionStage();
  }

  @Override
  public void onEnded(Consumer<Ended> listener) {
    telephony.onPlacedCallEnded(e -> listener.accept(new Ended(e.call().dealId(), e.call().attemptId(),
        e.call().extension(), e.outcome(), e.endedAt())));
  }

  /** Asterisk's originate reason: 0 failed (no channel: unregistered), 1 hung up, 3 no answer, 5 busy, 8 congestion. */
  static OperatorLeg leg(OriginateResult r) {
    if (r.success()) {
      return OperatorLeg.ANSWERED;
    }
    String detail = "OriginateResponse Failure, reason " + r.reason() + " (" + r.reasonText() + ")";
    return OperatorLeg.failed(switch (r.reason()) {
      case 0 -> "unregistered";
      case 1 -> "rejected";
      case 3 -> "no_answer";
      case 5 -> "busy";
      case 8 -> "congestion";
      default -> "refused";
    }, detail);
  }

  private static OperatorLeg failure(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof AmiException && m.startsWith("no OriginateResponse")) {
      return OperatorLeg.failed("no_response", m);
    }
    if (e instanceof AmiException && (m.startsWith("AMI not connected") || m.startsWith("no PBX")
        || m.startsWith("AMI client"))) {
      return OperatorLeg.failed("pbx_down", m);
    }
    return OperatorLeg.failed("refused", m);
  }
}
