package io.chronik.broker.archive;

/**
 * How an archived object's bytes are encoded, told by its name, so an archive written with either
 * setting (or with both, across a change of {@code archive.compression}) restores: {@code .gz} is gzip,
 * no suffix is the file's bytes as they are. Segments hold Kafka record batches, which producers
 * usually compress already; gzip then costs the uploader most of its time for nothing
 * (docs/STORAGE.md, "Snapshot archive").
 */
public enum ArchiveCompression {
  NONE(""),
  GZIP(".gz");

  private final String suffix;

  ArchiveCompression(String suffix) {
    this.suffix = suffix;
  }

  /** The setting's word: {@code none} or {@code gzip}. */
  public static ArchiveCompression named(String setting) {
    return switch (setting) {
      case "none" -> NONE;
      case "gzip" -> GZIP;
      default -> throw new IllegalArgumentException("archive.compression=" + setting + " expected=none|gzip");
    };
  }

  /** The encoding of an archived object, from its name. */
  public static ArchiveCompression of(String object) {
    return object.endsWith(GZIP.suffix) ? GZIP : NONE;
  }

  /** The object's name without its encoding: the same file archived with either setting has one stem. */
  public static String stem(String object) {
    return object.endsWith(GZIP.suffix) ? object.substring(0, object.length() - GZIP.suffix.length()) : object;
  }

  /** The object's name for a file archived under {@code stem}. */
  String object(String stem) {
    return stem + suffix;
  }
}
