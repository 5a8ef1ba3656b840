package io.chronik.broker.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A serialized response as an ordered list of byte buffers and {@link FileSlice}s, {@code sizeBytes}
 * in all (without the 4-byte size prefix). Built by its {@link Writer}: the generated message classes
 * write into one heap buffer, and each {@link RegionRecords} cuts it, so record data is never copied.
 */
public record ResponseParts(List<Object> parts, int sizeBytes) {

  /** A Kafka {@link Writable} that collects parts; {@code bytesMax} = the size excluding zero-copy bytes. */
  static final class Writer implements Writable {
    private final ByteBuffer buffer;
    private final ByteBufferAccessor out;
    private final List<Object> parts = new ArrayList<>();
    private int cut;

    Writer(int bytesMax) {
      this.buffer = ByteBuffer.allocate(bytesMax);
      this.out = new ByteBufferAccessor(buffer);
    }

    @Override
    public void writeRecords(BaseRecords records) {
      if (records instanceof RegionRecords regions) {
        cutBytes();
        parts.addAll(regions.slices());
      } else if (records instanceof MemoryRecords memory) {
        writeByteBuffer(memory.buffer());
      } else {
        throw new IllegalArgumentException("records=" + records.getClass().getName() + " reason=unsupported");
      }
    }

    private void cutBytes() {
      if (buffer.position() > cut) {
        parts.add(buffer.slice(cut, buffer.position() - cut));
        cut = buffer.position();
      }
    }

    ResponseParts finish(int sizeBytes) {
      cutBytes();
      return new ResponseParts(List.copyOf(parts), sizeBytes);
    }

    @Override
    public void writeByte(byte val) {
      out.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
      out.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
      out.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
      out.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
      out.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
      out.writeByteArray(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
      out.writeUnsignedVarint(i);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
      out.writeByteBuffer(buf);
    }

    @Override
    public void writeVarint(int i) {
      out.writeVarint(i);
    }

    @Override
    public void writeVarlong(long i) {
      out.writeVarlong(i);
    }
  }
}
