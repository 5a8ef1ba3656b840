package io.chronik.raft.storage;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The log entries leader image streams ({@link ImageStream}) still have to read: compaction (retention)
 * keeps them until the stream read past them, so a transfer in flight never loses the rest of its image.
 * A stream pins from the next index it reads; once exhausted it pins nothing. Streams are held weakly: one
 * a transfer dropped without finishing stops pinning once it is collected.
 */
final class ImagePins {
  private final List<WeakReference<ImageStream>> streams = new ArrayList<>();

  void add(ImageStream stream) {
    floor(); // drops the collected ones
    streams.add(new WeakReference<>(stream));
  }

  /** The lowest index a live stream still reads, {@code Long.MAX_VALUE} when none. */
  long floor() {
    long floor = Long.MAX_VALUE;
    for (Iterator<WeakReference<ImageStream>> it = streams.iterator(); it.hasNext(); ) {
      ImageStream s = it.next().get();
      if (s == null) {
        it.remove();
      } else {
        floor = Math.min(floor, s.pinnedFrom());
      }
    }
    return floor;
  }
}
