package io.chronik.verifier.history;

import java.math.BigInteger;
import java.util.Objects;
import us.bpsm.edn.printer.Printer;
import us.bpsm.edn.printer.Printers;
import us.bpsm.edn.protocols.Protocol;

/**
 * A Clojure ratio literal such as {@code 1/3}, as Jepsen histories may hold it. Kept exact and
 * written back as read; edn-java has no type for it, hence this record and {@link #PRINTERS}.
 */
public record Ratio(BigInteger numerator, BigInteger denominator) {

  /** edn-java's default printers plus one for ratios: what our writers print EDN with. */
  public static final Protocol<Printer.Fn<?>> PRINTERS = Printers.defaultProtocolBuilder()
      .put(Ratio.class, (Printer.Fn<Ratio>) (r, p) -> p.softspace().append(r.toString()).softspace())
      .build();

  public Ratio {
    Objects.requireNonNull(numerator, "numerator");
    Objects.requireNonNull(denominator, "denominator");
    if (denominator.signum() == 0) {
      throw new IllegalArgumentException("ratio=" + numerator + "/0 reason=zero-denominator");
    }
  }

  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }
}
