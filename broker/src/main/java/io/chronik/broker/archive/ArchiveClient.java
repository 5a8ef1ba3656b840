package io.chronik.broker.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.paginators.ListObjectsV2Iterable;

/**
 * The few S3 calls the archive makes, on the AWS SDK v2 with the JDK's HTTP client. Credentials come
 * from the SDK's default chain (environment, system properties, profile, instance role); an endpoint
 * override and path-style access serve S3-compatible servers. Every failure surfaces as the SDK's
 * exception: callers decide whether to retry (the uploader) or stop (restore).
 */
public final class ArchiveClient implements AutoCloseable {
  private final S3Client s3;
  private final String bucket;

  public ArchiveClient(String bucket, String endpoint, String region, boolean pathStyle, Duration callTimeout) {
    this.bucket = bucket;
    S3ClientBuilder builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(callTimeout))
        .region(Region.of(region))
        // plain signed bodies rather than aws-chunked uploads, which S3-compatible servers often lack
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle)
            .chunkedEncodingEnabled(false).build())
        // checksums only where S3 requires them: many S3-compatible servers refuse the SDK's default
        // trailing checksums (HTTP 501), and every object carries its own SHA-256 in the manifest anyway
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(c -> c.apiCallTimeout(callTimeout));
    if (!endpoint.isEmpty()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    this.s3 = builder.build();
  }

  public void put(String key, byte[] bytes) {
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  public void put(String key, Path file) {
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(file));
  }

  /**
   * Sends the first {@code bytes} of {@code file} as they are, read from the file (no staged copy); the
   * SDK may open it more than once (signing, retries), and the prefix it sends never changes: the archive
   * only sends committed frames.
   */
  public void put(String key, Path file, long bytes) {
    try (FilePrefix body = new FilePrefix(file, bytes)) {
      s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromContentProvider(body, bytes,
          "application/octet-stream"));
    }
  }

  /**
   * The prefix, opened afresh on every call: the provider's contract is that each stream starts at the
   * beginning and that the one handed out before is closed by us, the last one too.
   */
  private static final class FilePrefix implements ContentStreamProvider, AutoCloseable {
    private final Path file;
    private final long bytes;
    private InputStream open;

    FilePrefix(Path file, long bytes) {
      this.file = file;
      this.bytes = bytes;
    }

    @Override
    public InputStream newStream() {
      close();
      try {
        open = Channels.newInputStream(new PrefixChannel(FileChannel.open(file, StandardOpenOption.READ), bytes));
      } catch (IOException e) {
        throw new UncheckedIOException("file=" + file + " reason=unreadable", e);
      }
      return open;
    }

    @Override
    public void close() {
      if (open != null) {
        try {
          open.close();
        } catch (IOException e) {
          // a read-only file channel: nothing was written that closing could lose
        }
        open = null;
      }
    }
  }

  /** A file channel that ends after its first {@code limit} bytes. */
  private record PrefixChannel(FileChannel channel, long limit) implements ReadableByteChannel {
    @Override
    public int read(ByteBuffer dst) throws IOException {
      long left = limit - channel.position();
      if (left <= 0) {
        return -1;
      }
      if (dst.remaining() > left) {
        ByteBuffer slice = dst.slice(dst.position(), (int) left);
        int n = channel.read(slice);
        if (n > 0) {
          dst.position(dst.position() + n);
        }
        return n;
      }
      return channel.read(dst);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  public byte[] get(String key) {
    return s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toBytes()).asByteArray();
  }

  /** Downloads {@code key} into {@code file} (which must not exist). */
  public void get(String key, Path file) {
    s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toFile(file));
  }

  /** Every key under {@code prefix}. */
  public List<String> list(String prefix) {
    List<String> keys = new ArrayList<>();
    ListObjectsV2Iterable pages = s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix));
    for (S3Object o : pages.contents()) {
      keys.add(o.key());
    }
    return keys;
  }

  /**
   * Deletes {@code keys} one request each: the batch call requires a content checksum that several
   * S3-compatible servers refuse (HTTP 501), and the archive deletes a few objects per round.
   */
  public void delete(List<String> keys) {
    for (String key : keys) {
      s3.deleteObject(r -> r.bucket(bucket).key(key));
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
