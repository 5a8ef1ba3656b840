package io.chronik.broker.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test client of a node's admin port: real HTTP, raw sockets for malformed requests, series parsing. */
public final class AdminHttp {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AdminHttp() {}

  public static HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).GET().build());
  }

  public static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Writes {@code raw} bytes as the request and returns everything the server answers. */
  public static String raw(int port, String raw) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * Sum of every sample of {@code name} whose label text contains {@code labelFilter} ({@code ""} for
   * all), from a Prometheus text exposition; fails when there is none.
   */
  public static double sum(String exposition, String name, String labelFilter) {
    Pattern p = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([^ \\n]+)");
    Matcher m = p.matcher(exposition);
    double total = 0;
    boolean found = false;
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      if (labels.contains(labelFilter)) {
        total += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    if (!found) {
      throw new AssertionError("series=" + name + " filter=" + labelFilter + " reason=absent");
    }
    return total;
  }
}
