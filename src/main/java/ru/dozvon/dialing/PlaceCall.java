package ru.dozvon.dialing;

import java.util.Objects;
import ru.dozvon.phone.PhoneNumber;

/**
 * A call to place: ring the operator's phone of {@code extension}, then, once they answer, the lead's {@code phone}.
 * {@code attemptId} is the attempt the call's end will land on.
 */
public record PlaceCall(long dealId, long attemptId, long managerId, String extension, PhoneNumber phone) {

  public PlaceCall {
    Objects.requireNonNull(extension, "extension");
    Objects.requireNonNull(phone, "phone");
  }
}
