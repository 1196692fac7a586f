package ru.dozvon.telephony;

import java.io.IOException;
import org.asteriskjava.util.SocketConnectionFacade;

/** Opens a {@link BoundedAmiSocket} with the default limits, for benchmarks outside the package. */
public final class BoundedAmiSocketAccess {

  private BoundedAmiSocketAccess() {
  }

  public static SocketConnectionFacade open(String host, int port) throws IOException {
    return new BoundedAmiSocket(host, port, false, 5000, 60_000, BoundedAmiSocket.Limits.defaults(),
        AmiEventMapper.READ_EVENT_NAMES, java.util.Set.of(), BoundedAmiSocket.Counts.NONE);
  }
}
