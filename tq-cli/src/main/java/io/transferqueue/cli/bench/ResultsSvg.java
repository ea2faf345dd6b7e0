package io.transferqueue.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code results.svg}: grouped bars of PUT and GET Gbps per backend, one panel per scale, on a logarithmic axis
 * (backends and baselines differ by orders of magnitude at small scales, and equal distances are equal ratios).
 * Bars are medians with min–max whiskers; a dashed line across a bar marks its baseline's median for the same
 * direction. Plain SVG 1.1 written by hand; opens in any browser.
 */
final class ResultsSvg {
    private static final String PUT_COLOR = "#4e79a7";
    private static final String GET_COLOR = "#f28e2b";
    private static final String ZC_COLOR = "#59a14f";
    private static final int LEFT = 70;
    private static final int BAR = 30;
    private static final int BAR_GAP = 6;
    private static final int GROUP_PAD = 44;
    private static final int PLOT_HEIGHT = 200;
    private static final int PANEL_HEIGHT = PLOT_HEIGHT + 100;
    private static final int TOP = 100;

    private ResultsSvg() {
    }

    static String render(List<Result> results, String subtitle) {
        Map<String, Map<String, List<Result>>> panels = new LinkedHashMap<>();
        for (Result r : results) {
            panels.computeIfAbsent(r.label(), k -> new LinkedHashMap<>()).computeIfAbsent(r.backend(),
                    k -> new ArrayList<>()).add(r);
        }
        int width = 820;
        for (Map<String, List<Result>> p : panels.values()) {
            int w = LEFT + 20;
            for (List<Result> g : p.values()) {
                w += groupWidth(g);
            }
            width = Math.max(width, w);
        }
        int height = TOP + panels.size() * PANEL_HEIGHT + 20;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>%n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
        text(s, 16, 24, "start", 17, "bold", "#222", "tq bench: PUT and GET throughput per backend (Gbps, log scale)");
        int cut = subtitle.length() > 120 ? subtitle.lastIndexOf(", ", 120) : -1;
        if (cut > 0) {
            text(s, 16, 44, "start", 11, "normal", "#555", subtitle.substring(0, cut + 1));
            text(s, 16, 58, "start", 11, "normal", "#555", subtitle.substring(cut + 2));
        } else {
            text(s, 16, 44, "start", 11, "normal", "#555", subtitle);
        }
        legend(s, 16, 80);
        int y = TOP;
        for (Map.Entry<String, Map<String, List<Result>>> p : panels.entrySet()) {
            panel(s, y, width, p.getKey(), p.getValue());
            y += PANEL_HEIGHT;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static int bars(List<Result> g) {
        return (int) g.stream().filter(r -> !r.isBaseline()).count();
    }

    private static int groupWidth(List<Result> g) {
        int n = bars(g);
        return n * BAR + (n - 1) * BAR_GAP + GROUP_PAD;
    }

    private static void legend(StringBuilder s, int x, int y) {
        String[][] items = {{PUT_COLOR, "PUT (median)"}, {GET_COLOR, "GET (median)"},
            {ZC_COLOR, "GET zero-copy (simple)"}};
        for (String[] it : items) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\"/>%n",
                    x, y - 10, it[0]));
            text(s, x + 20, y, "start", 12, "normal", "#222", it[1]);
            x += 40 + it[1].length() * 7;
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" "
                + "stroke-width=\"2\" stroke-dasharray=\"4,2\"/>%n", x, y - 4, x + 22, y - 4));
        text(s, x + 28, y, "start", 12, "normal", "#222", "baseline, same bytes and processes");
        x += 28 + 240;
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                x + 6, y - 12, x + 6, y + 2));
        text(s, x + 14, y, "start", 12, "normal", "#222", "min–max");
    }

    private static void panel(StringBuilder s, int top, int width, String label, Map<String, List<Result>> groups) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (List<Result> g : groups.values()) {
            for (Result r : g) {
                lo = Math.min(lo, r.isBaseline() ? r.stats().median() : r.stats().min());
                hi = Math.max(hi, r.isBaseline() ? r.stats().median() : r.stats().max());
            }
        }
        Axis axis = Axis.of(lo, hi);
        Result any = groups.values().iterator().next().get(0);
        text(s, 16, top + 18, "start", 14, "bold", "#222", label + "  (" + any.shape() + ", " + Report.mb(any.bytes())
                + " MB per operation)");
        int plotTop = top + 34;
        int base = plotTop + PLOT_HEIGHT;
        for (int e = axis.fromExp; e <= axis.toExp; e++) {
            int yy = base - axis.height(Math.pow(10, e));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>%n",
                    LEFT, yy, width - 16, yy, e == axis.fromExp ? "#888" : "#e0e0e0"));
            text(s, LEFT - 6, yy + 4, "end", 11, "normal", "#555", decade(e));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" font-size=\"11\" fill=\"#555\" "
                + "transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">Gbps (log)</text>%n",
                plotTop + PLOT_HEIGHT / 2 + 10, plotTop + PLOT_HEIGHT / 2 + 10));
        int x = LEFT + 20;
        for (Map.Entry<String, List<Result>> e : groups.entrySet()) {
            List<Result> g = e.getValue();
            int bx = x;
            String baseline = null;
            for (Result r : g) {
                if (r.isBaseline()) {
                    continue;
                }
                baseline = r.baseline();
                String color = r.op().equals("PUT") ? PUT_COLOR : r.op().equals("GET") ? GET_COLOR : ZC_COLOR;
                bar(s, bx, base, axis, r, color, baselineMedian(g, r));
                bx += BAR + BAR_GAP;
            }
            int center = x + (bx - BAR_GAP - x) / 2;
            text(s, center, base + 18, "middle", 12, "bold", "#222", e.getKey());
            if (baseline != null) {
                text(s, center, base + 33, "middle", 10, "normal", "#555", "vs " + baseline);
            }
            x += groupWidth(g);
        }
    }

    private static double baselineMedian(List<Result> group, Result r) {
        String direction = r.op().startsWith("GET") ? "GET" : "PUT";
        Optional<Result> b = group.stream().filter(x -> x.isBaseline() && x.side().equals(r.baseline())
                && x.op().equals(direction)).findFirst();
        return b.map(x -> x.stats().median()).orElse(Double.NaN);
    }

    private static void bar(StringBuilder s, int x, int base, Axis axis, Result r, String color, double baseline) {
        double v = r.stats().median();
        int h = Math.max(1, axis.height(v));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                + "<title>%s %s %s: median %s Gbps (min %s, max %s), %s %.2f×</title></rect>%n", x, base - h, BAR, h,
                color, esc(r.backend()), esc(r.label()), r.op(), Report.gbps(v), Report.gbps(r.stats().min()),
                Report.gbps(r.stats().max()), esc("vs " + r.baseline()), r.ratio()));
        int top = base - h;
        if (r.stats().iterations() > 1) {
            int y1 = base - axis.height(r.stats().min());
            int y2 = base - axis.height(r.stats().max());
            int cx = x + BAR / 2;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                    cx, y1, cx, y2));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                    cx - 4, y2, cx + 4, y2));
            top = Math.min(top, y2);
        }
        if (!Double.isNaN(baseline)) {
            int by = base - axis.height(baseline);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" "
                    + "stroke-width=\"2\" stroke-dasharray=\"4,2\"><title>%s %s: %s Gbps</title></line>%n", x - 3, by,
                    x + BAR + 3, by, esc(r.baseline()), r.op().startsWith("GET") ? "GET" : "PUT",
                    Report.gbps(baseline)));
        }
        text(s, x + BAR / 2, top - 4, "middle", 10, "normal", "#222", Report.gbps(v));
    }

    /** 0.01, 0.1, 1, 10, 100, 1000 ... */
    private static String decade(int e) {
        return e >= 0 ? "1" + "0".repeat(e) : "0." + "0".repeat(-e - 1) + "1";
    }

    /** A log₁₀ axis over whole decades covering the values, at least two decades tall. */
    private record Axis(int fromExp, int toExp) {
        static Axis of(double lo, double hi) {
            double l = lo > 0 && !Double.isInfinite(lo) ? lo : 0.01;
            double h = hi > 0 && !Double.isInfinite(hi) ? hi : 1;
            int from = (int) Math.floor(Math.log10(l));
            int to = (int) Math.ceil(Math.log10(h * 1.3));
            if (to - from < 2) {
                to = from + 2;
            }
            return new Axis(from, to);
        }

        int height(double v) {
            double e = Math.log10(Math.max(v, Math.pow(10, fromExp)));
            return (int) Math.round(PLOT_HEIGHT * Math.min(1, (e - fromExp) / (toExp - fromExp)));
        }
    }

    private static void text(StringBuilder s, int x, int y, String anchor, int size, String weight, String color,
            String content) {
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" "
                + "font-weight=\"%s\" fill=\"%s\">%s</text>%n", x, y, anchor, size, weight, color, esc(content)));
    }

    static String esc(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
