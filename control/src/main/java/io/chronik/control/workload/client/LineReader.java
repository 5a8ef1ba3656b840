package io.chronik.control.workload.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-terminated lines from a client's stdout. A tail without its newline at the end of
 * the stream is not a line: a process killed while writing leaves half a report, which must not be
 * taken for one.
 */
final class LineReader {
  /** Far above any report (a poll of 500 records is about 15 KB); beyond it the client is broken. */
  static final int MAX_LINE_BYTES = 16 << 20;

  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private int pos;
  private int limit;
  private int droppedBytes;

  LineReader(InputStream in) {
    this.in = in;
  }

  /** The next line without its newline, or null at the end of the stream (any unterminated tail dropped). */
  String next() throws IOException {
    while (true) {
      if (pos == limit) {
        limit = in.read(buf);
        pos = 0;
        if (limit < 0) {
          limit = 0;
          droppedBytes = line.size();
          line.reset();
          return null;
        }
      }
      int start = pos;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      line.write(buf, start, pos - start);
      if (line.size() > MAX_LINE_BYTES) {
        throw new ClientProtocolException("bytes=" + line.size() + " reason=line-too-long max=" + MAX_LINE_BYTES);
      }
      if (pos < limit) {
        pos++; // the newline
        String s = line.toString(StandardCharsets.UTF_8);
        line.reset();
        return s;
      }
    }
  }

  /** Bytes of the unterminated tail dropped at the end of the stream (0: the stream ended on a newline). */
  int droppedBytes() {
    return droppedBytes;
  }
}
