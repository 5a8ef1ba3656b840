package io.chronik.broker.protocol;

import java.nio.channels.FileChannel;

/**
 * A region of a log segment file sent to the client as is (sendfile): committed log data is
 * immutable, and the channel belongs to the log (the network layer must not close it).
 */
public record FileSlice(FileChannel channel, long position, int length) {}
