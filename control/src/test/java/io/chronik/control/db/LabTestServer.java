package io.chronik.control.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tiny real daemon for lifecycle tests (the broker stands in later): listens on address:port,
 * answers each line with "echo <line>", and appends every line to data/lines.log, which it seeds
 * with 4 KiB so corruption has bytes to damage. Usage: LabTestServer address port dataDir.
 */
public final class LabTestServer {
  public static void main(String[] args) throws IOException {
    Path data = Path.of(args[2]);
    Files.createDirectories(data);
    Path log = data.resolve("lines.log");
    if (!Files.exists(log)) {
      Files.write(log, new byte[4096]);
    }
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
      System.out.println("listening " + args[0] + ":" + args[1]);
      while (true) {
        Socket socket = server.accept();
        Thread t = new Thread(() -> serve(socket, log));
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void serve(Socket socket, Path log) {
    try (socket;
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      OutputStream out = socket.getOutputStream();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (LabTestServer.class) {
          Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
        }
        out.write(("echo " + line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away; nothing to keep
    }
  }
}
