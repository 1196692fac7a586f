package ru.dozvon.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.asteriskjava.util.SocketConnectionFacade;
import org.asteriskjava.util.internal.SocketConnectionFacadeImpl;
import ru.dozvon.telephony.BoundedAmiSocketAccess;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The AMI socket's line reading alone, over loopback: Asterisk-Java's {@code SocketConnectionFacadeImpl}
 * ({@code FastScannerCrNl}) against our {@code BoundedAmiSocket}, the same bytes ({@code missed.ami} cycled) read line
 * by line on one thread, as Asterisk-Java's reader thread does. Prints lines/s and MB/s for each, round after round.
 *
 * <p>{@code bench/run.sh AmiLineReaderBenchmark [events=2000000] [rounds=3]}
 */
public final class AmiLineReaderBenchmark {

  private AmiLineReaderBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Transcript t = Transcript.load("ami/missed.ami");
    byte[] cycle = t.bytes();
    int cycles = Math.max(1, events / t.size());
    System.out.printf("%d events (%d cycles of %d), %.1f MB%n", cycles * t.size(), cycles, t.size(),
        cycles * (double) cycle.length / 1e6);
    for (int round = 1; round <= rounds; round++) {
      run("Asterisk-Java", round, cycle, cycles, port -> new SocketConnectionFacadeImpl("127.0.0.1", port, false,
          5000, 60_000));
      run("Bounded", round, cycle, cycles, port -> BoundedAmiSocketAccess.open("127.0.0.1", port));
    }
  }

  interface Opener {
    SocketConnectionFacade open(int port) throws IOException;
  }

  private static void run(String name, int round, byte[] cycle, int cycles, Opener opener) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread writer = new Thread(() -> {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          for (int i = 0; i < cycles; i++) {
            out.write(cycle);
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      writer.start();
      SocketConnectionFacade socket = opener.open(server.getLocalPort());
      long t0 = System.nanoTime();
      long lines = 0;
      long chars = 0;
      String line;
      while ((line = socket.readLine()) != null) {
        lines++;
        chars += line.length();
      }
      long ns = System.nanoTime() - t0;
      socket.close();
      writer.join();
      System.out.printf("round %d %-13s %,d lines in %d ms: %,.0f lines/s, %.1f MB/s (%,d chars)%n", round, name,
          lines, ns / 1_000_000, lines * 1e9 / ns, cycles * (double) cycle.length / 1e6 / (ns / 1e9), chars);
    }
  }
}
