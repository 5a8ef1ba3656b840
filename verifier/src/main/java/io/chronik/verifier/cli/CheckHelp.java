package io.chronik.verifier.cli;

import io.chronik.verifier.model.ModelCatalog;
import io.chronik.verifier.report.HistoryChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.ListResourceBundle;

/**
 * The model list at the foot of {@code chronik check --help}, built from the registries
 * ({@link ModelCatalog#ENTRIES}, {@link HistoryChecks#MODELS}). A resource bundle because picocli
 * reads it however the command is built (a model transformer is skipped for subcommands added as
 * objects, which is how the {@code chronik} root finds this one).
 */
public final class CheckHelp extends ListResourceBundle {
  @Override
  protected Object[][] getContents() {
    List<String> lines = new ArrayList<>();
    lines.add("%nModels:");
    for (ModelCatalog.Entry e : ModelCatalog.ENTRIES) {
      lines.add(String.format("  %-18s %s", e.name(), e.help()));
    }
    HistoryChecks.MODELS.forEach((name, help) -> lines.add(String.format("  %-18s %s", name, help)));
    Object[][] contents = new Object[lines.size()][];
    for (int i = 0; i < lines.size(); i++) {
      contents[i] = new Object[] {"usage.footer." + i, lines.get(i)};
    }
    return contents;
  }
}
