package io.chronik.verifier.linearizability;

import io.chronik.verifier.report.Verdict;
import io.chronik.verifier.history.Operation;
import io.chronik.verifier.model.Model;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one self-contained HTML page (inline CSS and JS, no external resources) showing a check:
 * per partition, per-process timelines of operations (x axis: position in the history), the
 * operations of the longest linearizable prefix numbered in linearization order with the model state
 * after each, and the operation that cannot be placed highlighted. Hovering an operation shows its
 * details. Illegal partitions come first; at most {@value #PARTITIONS_MAX} partitions and
 * {@value #OPS_MAX} operations per partition are drawn, so huge histories still give a usable page.
 */
public final class HtmlVisualizer {
  static final int PARTITIONS_MAX = 20;
  static final int OPS_MAX = 3000;

  private HtmlVisualizer() {}

  public static <S, C> void write(Model<S, C> model, LinearizabilityResult result, Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(model, result, out);
    }
  }

  public static <S, C> void write(Model<S, C> model, LinearizabilityResult result, Writer out) throws IOException {
    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>chronik check: ")
        .append(result.verdict()).append("</title><style>")
        .append("body{font:13px system-ui,sans-serif;margin:16px;color:#222}")
        .append(".verdict{font-size:20px;font-weight:600}.VALID{color:#176f2c}.INVALID{color:#b00020}.UNKNOWN{color:#8a6d00}")
        .append(".tl{position:relative;border:1px solid #ccc;margin:8px 0 16px;overflow-x:auto}")
        .append(".row{position:relative;height:22px;border-bottom:1px dotted #eee}")
        .append(".lbl{position:absolute;left:0;width:70px;font-size:11px;color:#666;padding-top:4px}")
        .append(".op{position:absolute;height:16px;top:3px;border-radius:3px;font-size:10px;overflow:hidden;")
        .append("white-space:nowrap;background:#ddd;border:1px solid #aaa;padding:0 2px;box-sizing:border-box}")
        .append(".op.lin{background:#cfe8d4;border-color:#4a9a5c}.op.bad{background:#f8c0c8;border-color:#b00020;border-width:2px}")
        .append(".op.open{border-style:dashed}.op:hover{z-index:2;overflow:visible;background:#fff8c4}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}")
        .append("tr.bad td{background:#f8c0c8}#tip{position:fixed;display:none;background:#fff;border:1px solid #888;")
        .append("padding:4px;font:12px monospace;white-space:pre;z-index:9}</style></head><body>");
    h.append("<div class=\"verdict ").append(result.verdict()).append("\">").append(result.verdict()).append("</div>")
        .append("<p>model=").append(esc(result.model())).append(" partitions=").append(result.partitions().size())
        .append(" elapsed=").append(result.elapsed().toMillis()).append("ms</p>");
    List<PartitionResult> ordered = new ArrayList<>(result.invalid());
    result.partitions().stream().filter(p -> p.verdict() != Verdict.INVALID).forEach(ordered::add);
    int shown = 0;
    for (PartitionResult p : ordered) {
      if (shown++ == PARTITIONS_MAX) {
        h.append("<p>… ").append(ordered.size() - PARTITIONS_MAX).append(" more partitions not drawn</p>");
        break;
      }
      partition(model, p, h);
    }
    h.append("<div id=\"tip\"></div><script>")
        .append("var t=document.getElementById('tip');document.querySelectorAll('.op').forEach(function(e){")
        .append("e.onmousemove=function(v){t.style.display='block';t.textContent=e.dataset.d;")
        .append("t.style.left=(v.clientX+12)+'px';t.style.top=(v.clientY+12)+'px'};")
        .append("e.onmouseleave=function(){t.style.display='none'}});</script></body></html>\n");
    out.write(h.toString());
  }

  private static <S, C> void partition(Model<S, C> model, PartitionResult p, StringBuilder h) {
    h.append("<h3>partition ").append(p.key() == null ? "(whole history)" : esc(String.valueOf(p.key())))
        .append(": <span class=\"").append(p.verdict()).append("\">").append(p.verdict()).append("</span>")
        .append(" ops=").append(p.operations().size()).append(" steps=").append(p.steps()).append("</h3>");
    Map<Integer, Integer> linearizedAt = new HashMap<>();
    for (int i = 0; i < p.longestPrefix().size(); i++) {
      linearizedAt.put(p.longestPrefix().get(i).id(), i + 1);
    }
    List<Operation> ops = p.operations().size() > OPS_MAX ? p.operations().subList(0, OPS_MAX) : p.operations();
    int first = Integer.MAX_VALUE;
    int last = 0;
    TreeMap<Long, List<Operation>> byProcess = new TreeMap<>();
    for (Operation op : ops) {
      first = Math.min(first, op.invokePosition());
      last = Math.max(last, op.completionPosition() == Operation.END_OF_TIME ? op.invokePosition() : op.completionPosition());
      byProcess.computeIfAbsent(op.process(), k -> new ArrayList<>()).add(op);
    }
    last += 2;
    double scale = Math.max(6, Math.min(40, 1400.0 / Math.max(1, last - first)));
    h.append("<div class=\"tl\" style=\"width:").append((int) ((last - first) * scale) + 80).append("px\">");
    for (Map.Entry<Long, List<Operation>> row : byProcess.entrySet()) {
      h.append("<div class=\"row\"><span class=\"lbl\">process ").append(row.getKey()).append("</span>");
      for (Operation op : row.getValue()) {
        int end = op.completionPosition() == Operation.END_OF_TIME ? last : op.completionPosition();
        Integer order = linearizedAt.get(op.id());
        boolean bad = p.offending() != null && p.offending().id() == op.id();
        C call = model.call(op);
        String label = call == null ? op.f().toString() : model.describeCall(call);
        h.append("<div class=\"op").append(order != null ? " lin" : "").append(bad ? " bad" : "")
            .append(op.isOpen() ? " open" : "").append("\" style=\"left:")
            .append((int) ((op.invokePosition() - first) * scale) + 72).append("px;width:")
            .append(Math.max(4, (int) ((end - op.invokePosition()) * scale))).append("px\" data-d=\"")
            .append(esc(op.toString() + (order != null ? "\nlinearized #" + order : "") + (bad ? "\ncannot be placed" : "")))
            .append("\">").append(order != null ? "#" + order + " " : "").append(esc(label)).append("</div>");
      }
      h.append("</div>");
    }
    h.append("</div>");
    if (p.verdict() == Verdict.INVALID) {
      prefixTable(model, p, h);
    }
  }

  private static <S, C> void prefixTable(Model<S, C> model, PartitionResult p, StringBuilder h) {
    h.append("<p>Longest linearizable prefix (").append(p.longestPrefix().size())
        .append(" ops), then the operation that cannot be placed:</p><table><tr><th>#</th><th>process</th>")
        .append("<th>operation</th><th>state after</th></tr>");
    S state = model.init();
    int i = 0;
    for (Operation op : p.longestPrefix()) {
      C call = model.call(op);
      S next = model.step(state, call);
      state = next == null ? state : next; // an open op placed as "did not happen"
      h.append("<tr><td>").append(++i).append("</td><td>").append(op.process()).append("</td><td>")
          .append(esc(model.describeCall(call))).append("</td><td>").append(esc(model.describeState(state)))
          .append("</td></tr>");
    }
    if (p.offending() != null) {
      h.append("<tr class=\"bad\"><td>✗</td><td>").append(p.offending().process()).append("</td><td>")
          .append(esc(model.describeCall(model.call(p.offending())))).append("</td><td>cannot be placed in ")
          .append(esc(model.describeState(state))).append(" nor after any pending operation</td></tr>");
    }
    h.append("</table>");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
