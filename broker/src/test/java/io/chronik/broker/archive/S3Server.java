package io.chronik.broker.archive;

import java.net.URI;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API server for tests: S3Proxy (HTTP, AWS v2/v4 signatures) over jclouds' in-memory store,
 * on a free loopback port. The SDK in this JVM finds its credentials in the system properties of the
 * default chain; processes get {@link #environment()}.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "chronik-test";
  public static final String SECRET_KEY = "chronik-test-secret";

  private final BlobStoreContext store;
  private final S3Proxy proxy;
  private final String endpoint;

  private S3Server(BlobStoreContext store, S3Proxy proxy, String endpoint) {
    this.store = store;
    this.proxy = proxy;
    this.endpoint = endpoint;
  }

  public static S3Server start(String... buckets) throws Exception {
    return serve(ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class), buckets);
  }

  /** As {@link #start}, over jclouds' filesystem store in {@code dir}: for archives larger than the test heap. */
  public static S3Server startOnDisk(java.nio.file.Path dir, String... buckets) throws Exception {
    java.util.Properties where = new java.util.Properties();
    where.setProperty("jclouds.filesystem.basedir", dir.toString());
    return serve(ContextBuilder.newBuilder("filesystem").credentials("identity", "credential").overrides(where)
        .build(BlobStoreContext.class), buckets);
  }

  private static S3Server serve(BlobStoreContext store, String... buckets) throws Exception {
    int port = io.chronik.broker.LoopbackPorts.take();
    String endpoint = "http://127.0.0.1:" + port;
    for (String bucket : buckets) {
      store.getBlobStore().createContainerInLocation(null, bucket);
    }
    S3Proxy proxy = S3Proxy.builder().blobStore(store.getBlobStore()).endpoint(URI.create(endpoint))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
    proxy.start();
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      Thread.sleep(20);
    }
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    return new S3Server(store, proxy, endpoint);
  }

  public String endpoint() {
    return endpoint;
  }

  /** The store behind the server, to alter objects behind the archive's back. */
  public BlobStore blobs() {
    return store.getBlobStore();
  }

  public static java.util.Map<String, String> environment() {
    return java.util.Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    store.close();
  }
}
