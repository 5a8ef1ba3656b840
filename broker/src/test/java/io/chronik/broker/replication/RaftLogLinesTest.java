package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chronik.raft.storage.CleanShutdown;
import io.chronik.raft.storage.NioDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The raft module logs through the JDK's {@code System.Logger} (it imports only the JDK). In the broker those
 * lines must land in its own log (logback), not on the JVM's stderr through java.util.logging, where an
 * operator reading the broker's log never sees a storage warning.
 */
class RaftLogLinesTest {
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger cleanShutdownLog = (Logger) LoggerFactory.getLogger(CleanShutdown.class);

  @TempDir Path raftDir;

  @BeforeEach
  void attach() {
    logged.start();
    cleanShutdownLog.addAppender(logged);
  }

  @AfterEach
  void detach() {
    cleanShutdownLog.detachAppender(logged);
  }

  @Test
  void aDamagedCleanShutdownRecordIsWarnedInTheBrokersLog() throws Exception {
    Files.write(raftDir.resolve(CleanShutdown.FILE), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});

    assertThat(CleanShutdown.take(new NioDisk(), raftDir)).as("a damaged record trusts nothing").isEmpty();

    assertThat(logged.list).anySatisfy(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.WARN);
      assertThat(e.getFormattedMessage()).contains("reason=damaged-clean-shutdown-record");
    });
  }
}
