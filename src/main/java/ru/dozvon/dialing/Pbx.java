package ru.dozvon.dialing;

import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import ru.dozvon.call.CallOutcome;

/**
 * The PBX as click-to-call and the dialer see it (the port; {@code App} plugs telephony in). Returns JDK
 * {@link CompletionStage}s to keep this package's pure part free of Vert.x.
 */
public interface Pbx {

  /** A call Dozvon placed has ended; {@code outcome} null when its end never came and it was given up on. */
  record Ended(long dealId, long attemptId, String extension, CallOutcome outcome, Instant at) {
  }

  /** True while the link to the PBX is up (AMI CONNECTED). */
  boolean connected();

  /** True while a call Dozvon placed is in flight on this phone (from the click until its end is known). */
  boolean busy(String extension);

  /** The device the PBX rings for this extension ({@code PJSIP/101}), for the reply and the history. */
  String device(String extension);

  /**
   * Places the call through the Originate queue; completes once the operator's side is decided (never
   * exceptionally: a failure is an {@link OperatorLeg}). The call's end comes later, to {@link #onEnded}.
   */
  CompletionStage<OperatorLeg> place(PlaceCall call);

  /** Where the end of every placed call is told (once per call). */
  void onEnded(Consumer<Ended> listener);

  /** No PBX: nothing can be placed. */
  Pbx NONE = new Pbx() {
    @Override
    public boolean connected() {
      return false;
    }

    @Override
    public boolean busy(String extension) {
      return false;
    }

    @Override
    public String device(String extension) {
      return extension;
    }

    @Override
    public CompletionStage<OperatorLeg> place(PlaceCall call) {
      return java.util.concurrent.CompletableFuture.completedFuture(OperatorLeg.failed("pbx_down", "no PBX"));
    }

    @Override
    public void onEnded(Consumer<Ended> listener) {
    }
  };
}
