package io.infergate.bench.report;

import io.infergate.bench.results.RunSummary;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A line chart as a standalone SVG document, written by hand so reports need no plotting library: x is usually
 * the offered rate, y a metric, one line per series (a policy) with its own colour and point markers, a legend,
 * round-number axis ticks, axis titles and a title. Immutable; {@link #render()} is a pure function, so the same
 * chart gives the same bytes on every platform and locale.
 *
 * <p>Points are drawn in ascending x. A point whose x or y is NaN or infinite (a run with no completed request has
 * no TTFT) is left out and breaks its line: each unbroken run of two or more points is one {@code <polyline>}, and
 * every point gets a marker, so a lone point still shows. On a log scale a y {@code <= 0} is likewise missing.
 *
 * <p>With {@link Scale#AUTO} the y axis is logarithmic (decade ticks) when every value is positive and the largest
 * is more than {@value #LOG_RATIO} times the smallest (TTFT goes from tens of milliseconds at low load to tens of
 * seconds past saturation), else linear from zero. Text is XML-escaped; characters XML cannot carry are dropped.
 *
 * @param title  the chart's title
 * @param xTitle the x axis title, with unit
 * @param yTitle the y axis title, with unit
 * @param series the lines, in legend order; colours are assigned in this order
 * @param scale  the y axis scale
 */
public record SvgChart(String title, String xTitle, String yTitle, List<Series> series, Scale scale) {

    /** With {@link Scale#AUTO}, the max/min ratio above which the y axis is logarithmic. */
    public static final double LOG_RATIO = 50;

    /** Colour-blind-friendly first (Okabe-Ito), then Tableau; past these, lines repeat colours with dashes. */
    private static final String[] COLOURS = {
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#8c564b", "#7f7f7f"
    };

    private static final String[] DASHES = {"", "6 3", "2 3", "8 3 2 3"};

    private static final int WIDTH = 760;
    private static final int HEIGHT = 440;
    private static final int LEFT = 78;
    private static final int TOP = 44;
    private static final int BOTTOM = 56;

    /** The y axis scale. */
    public enum Scale {
        /** Linear, from zero when every value is non-negative. */
        LINEAR,
        /** Base-10 logarithmic with decade ticks. */
        LOG,
        /** {@link #LOG} when the values span more than {@link SvgChart#LOG_RATIO}, else {@link #LINEAR}. */
        AUTO
    }

    /**
     * One line.
     *
     * @param name   the legend text
     * @param points in any order; drawn sorted by x
     */
    public record Series(String name, List<Point> points) {
        public Series {
            Objects.requireNonNull(name, "name");
            points = List.copyOf(points);
        }
    }

    /** One (x, y); NaN or infinite in either is a missing value. */
    public record Point(double x, double y) {}

    public SvgChart {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xTitle, "xTitle");
        Objects.requireNonNull(yTitle, "yTitle");
        Objects.requireNonNull(scale, "scale");
        series = List.copyOf(series);
    }

    /**
     * A chart of one metric of seed means against the rate, one series per policy in the order the policies
     * first appear in {@code means}.
     *
     * @param metric e.g. {@code RunSummary::ttftP90}
     */
    public static SvgChart ofMeans(
            String title, String yTitle, List<SeedMeans> means, SummaryMetric metric, Scale scale) {
        Map<String, List<Point>> byPolicy = new LinkedHashMap<>();
        for (SeedMeans m : means) {
            byPolicy.computeIfAbsent(m.policy(), k -> new ArrayList<>()).add(new Point(m.rate(), metric.of(m.mean())));
        }
        List<Series> series = new ArrayList<>();
        byPolicy.forEach((name, points) -> series.add(new Series(name, points)));
        return new SvgChart(title, "Offered load (req/s)", yTitle, series, scale);
    }

    /** TTFT p90 (mean over seeds) against the rate, log scale when it spans more than {@value #LOG_RATIO}x. */
    public static SvgChart ttftP90(String workload, List<SeedMeans> means) {
        return ofMeans(
                workload + ": TTFT p90 vs offered load", "TTFT p90 (ms)", means, RunSummary::ttftP90, Scale.AUTO);
    }

    /** Output tokens per second (mean over seeds) against the rate, linear from zero. */
    public static SvgChart throughput(String workload, List<SeedMeans> means) {
        return ofMeans(
                workload + ": output throughput vs offered load",
                "Output tokens/s",
                means,
                RunSummary::outputTokensPerSec,
                Scale.LINEAR);
    }

    /** Whether {@link #render()} draws a logarithmic y axis: {@link Scale#LOG}, or {@link Scale#AUTO} on wide data. */
    public boolean logScale() {
        return switch (scale) {
            case LOG -> true;
            case LINEAR -> false;
            case AUTO -> {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (Series s : series) {
                    for (Point p : s.points()) {
                        if (present(p)) {
                            min = Math.min(min, p.y());
                            max = Math.max(max, p.y());
                        }
                    }
                }
                yield min > 0 && max / min > LOG_RATIO; // min stays +inf, and this false, with no data
            }
        };
    }

    /** The chart as an SVG document (UTF-8, with an XML declaration, {@code \n} line ends). */
    public String render() {
        boolean log = logScale();
        // what is drawn: finite x and y, and y > 0 on a log axis
        List<List<Point>> drawn = new ArrayList<>();
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            List<Point> ps = new ArrayList<>(s.points());
            ps.sort(Comparator.comparingDouble(Point::x));
            drawn.add(ps);
            for (Point p : ps) {
                if (Double.isFinite(p.x())) {
                    xMin = Math.min(xMin, p.x());
                    xMax = Math.max(xMax, p.x());
                }
                if (drawable(p, log)) {
                    yMin = Math.min(yMin, p.y());
                    yMax = Math.max(yMax, p.y());
                }
            }
        }
        Axis x = Axis.linear(xMin, xMax, false);
        Axis y = log ? Axis.log(yMin, yMax) : Axis.linear(yMin, yMax, true);

        int legendWidth = legendWidth();
        int right = WIDTH - legendWidth - 20;
        int bottom = HEIGHT - BOTTOM;
        Frame f = new Frame(LEFT, right, TOP, bottom, x, y);

        StringBuilder svg = new StringBuilder(8192);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<title>").append(escape(title)).append("</title>\n");
        svg.append("<rect width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" fill=\"#ffffff\"/>\n");
        svg.append("<text x=\"")
                .append(num((LEFT + right) / 2.0))
                .append("\" y=\"24\" text-anchor=\"middle\" " + "font-size=\"15\" font-weight=\"bold\">")
                .append(escape(title))
                .append("</text>\n");

        // grid and ticks; on a log axis, faint lines at 2..9 of each decade so values can be read off
        if (log) {
            svg.append("<g class=\"minor-grid\" stroke=\"#f3f3f3\" stroke-width=\"1\">\n");
            for (int i = 0; i + 1 < y.ticks.length; i++) {
                for (int m = 2; m <= 9; m++) {
                    double py = f.py(y.ticks[i] * m);
                    svg.append("<line x1=\"")
                            .append(LEFT)
                            .append("\" y1=\"")
                            .append(num(py))
                            .append("\" x2=\"")
                            .append(right)
                            .append("\" y2=\"")
                            .append(num(py))
                            .append("\"/>\n");
                }
            }
            svg.append("</g>\n");
        }
        svg.append("<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
        for (double t : x.ticks) {
            svg.append("<line x1=\"")
                    .append(num(f.px(t)))
                    .append("\" y1=\"")
                    .append(TOP)
                    .append("\" x2=\"")
                    .append(num(f.px(t)))
                    .append("\" y2=\"")
                    .append(bottom)
                    .append("\"/>\n");
        }
        for (double t : y.ticks) {
            svg.append("<line x1=\"")
                    .append(LEFT)
                    .append("\" y1=\"")
                    .append(num(f.py(t)))
                    .append("\" x2=\"")
                    .append(right)
                    .append("\" y2=\"")
                    .append(num(f.py(t)))
                    .append("\"/>\n");
        }
        svg.append("</g>\n");
        svg.append("<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n");
        svg.append("<line x1=\"")
                .append(LEFT)
                .append("\" y1=\"")
                .append(bottom)
                .append("\" x2=\"")
                .append(right)
                .append("\" y2=\"")
                .append(bottom)
                .append("\"/>\n");
        svg.append("<line x1=\"")
                .append(LEFT)
                .append("\" y1=\"")
                .append(TOP)
                .append("\" x2=\"")
                .append(LEFT)
                .append("\" y2=\"")
                .append(bottom)
                .append("\"/>\n");
        for (double t : x.ticks) {
            svg.append("<line x1=\"")
                    .append(num(f.px(t)))
                    .append("\" y1=\"")
                    .append(bottom)
                    .append("\" x2=\"")
                    .append(num(f.px(t)))
                    .append("\" y2=\"")
                    .append(bottom + 5)
                    .append("\"/>\n");
        }
        for (double t : y.ticks) {
            svg.append("<line x1=\"")
                    .append(LEFT - 5)
                    .append("\" y1=\"")
                    .append(num(f.py(t)))
                    .append("\" x2=\"")
                    .append(LEFT)
                    .append("\" y2=\"")
                    .append(num(f.py(t)))
                    .append("\"/>\n");
        }
        svg.append("</g>\n");
        svg.append("<g class=\"x-labels\" text-anchor=\"middle\" fill=\"#333333\">\n");
        for (int i = 0; i < x.ticks.length; i++) {
            svg.append("<text x=\"")
                    .append(num(f.px(x.ticks[i])))
                    .append("\" y=\"")
                    .append(bottom + 18)
                    .append("\">")
                    .append(escape(x.labels[i]))
                    .append("</text>\n");
        }
        svg.append("</g>\n");
        svg.append("<g class=\"y-labels\" text-anchor=\"end\" fill=\"#333333\">\n");
        for (int i = 0; i < y.ticks.length; i++) {
            svg.append("<text x=\"")
                    .append(LEFT - 8)
                    .append("\" y=\"")
                    .append(num(f.py(y.ticks[i]) + 4))
                    .append("\">")
                    .append(escape(y.labels[i]))
                    .append("</text>\n");
        }
        svg.append("</g>\n");
        svg.append("<text class=\"x-title\" x=\"")
                .append(num((LEFT + right) / 2.0))
                .append("\" y=\"")
                .append(HEIGHT - 14)
                .append("\" text-anchor=\"middle\">")
                .append(escape(xTitle))
                .append("</text>\n");
        double yMid = (TOP + bottom) / 2.0;
        svg.append("<text class=\"y-title\" x=\"18\" y=\"")
                .append(num(yMid))
                .append("\" text-anchor=\"middle\" " + "transform=\"rotate(-90 18 ")
                .append(num(yMid))
                .append(")\">")
                .append(escape(yTitle + (log ? " — log scale" : "")))
                .append("</text>\n");

        // lines
        for (int i = 0; i < series.size(); i++) {
            String colour = COLOURS[i % COLOURS.length];
            String dash = DASHES[(i / COLOURS.length) % DASHES.length];
            svg.append("<g class=\"series\" data-series=\"")
                    .append(escape(series.get(i).name()))
                    .append("\" stroke=\"")
                    .append(colour)
                    .append("\" fill=\"")
                    .append(colour)
                    .append("\">\n");
            List<Point> run = new ArrayList<>();
            for (Point p : drawn.get(i)) {
                if (drawable(p, log)) {
                    run.add(p);
                } else {
                    polyline(svg, run, f, dash);
                    run.clear();
                }
            }
            polyline(svg, run, f, dash);
            for (Point p : drawn.get(i)) {
                if (drawable(p, log)) {
                    svg.append("<circle cx=\"")
                            .append(num(f.px(p.x())))
                            .append("\" cy=\"")
                            .append(num(f.py(p.y())))
                            .append("\" r=\"3.5\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n");
                }
            }
            svg.append("</g>\n");
        }
        if (yMin > yMax) {
            svg.append("<text class=\"no-data\" x=\"")
                    .append(num((LEFT + right) / 2.0))
                    .append("\" y=\"")
                    .append(num(yMid))
                    .append("\" text-anchor=\"middle\" fill=\"#777777\">no data</text>\n");
        }

        // legend
        int lx = right + 20;
        svg.append("<g class=\"legend\">\n");
        for (int i = 0; i < series.size(); i++) {
            String colour = COLOURS[i % COLOURS.length];
            String dash = DASHES[(i / COLOURS.length) % DASHES.length];
            int ly = TOP + 8 + 20 * i;
            svg.append("<line x1=\"")
                    .append(lx)
                    .append("\" y1=\"")
                    .append(ly)
                    .append("\" x2=\"")
                    .append(lx + 24)
                    .append("\" y2=\"")
                    .append(ly)
                    .append("\" stroke=\"")
                    .append(colour)
                    .append("\" stroke-width=\"2\"")
                    .append(dashAttr(dash))
                    .append("/>\n");
            svg.append("<circle cx=\"")
                    .append(lx + 12)
                    .append("\" cy=\"")
                    .append(ly)
                    .append("\" r=\"3.5\" fill=\"")
                    .append(colour)
                    .append("\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n");
            svg.append("<text x=\"")
                    .append(lx + 30)
                    .append("\" y=\"")
                    .append(ly + 4)
                    .append("\">")
                    .append(escape(series.get(i).name()))
                    .append("</text>\n");
        }
        svg.append("</g>\n");
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void polyline(StringBuilder svg, List<Point> run, Frame f, String dash) {
        if (run.size() < 2) {
            return;
        }
        svg.append("<polyline fill=\"none\" stroke-width=\"2\"")
                .append(dashAttr(dash))
                .append(" points=\"");
        for (int i = 0; i < run.size(); i++) {
            Point p = run.get(i);
            svg.append(i == 0 ? "" : " ").append(num(f.px(p.x()))).append(',').append(num(f.py(p.y())));
        }
        svg.append("\"/>\n");
    }

    private static String dashAttr(String dash) {
        return dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"";
    }

    /** Room for the longest legend entry, at roughly 7 px a character of 12 px sans-serif. */
    private int legendWidth() {
        int longest = 0;
        for (Series s : series) {
            longest = Math.max(longest, s.name().codePointCount(0, s.name().length()));
        }
        return Math.max(100, Math.min(260, 36 + 7 * longest));
    }

    private static boolean present(Point p) {
        return Double.isFinite(p.x()) && Double.isFinite(p.y());
    }

    private static boolean drawable(Point p, boolean log) {
        return present(p) && (!log || p.y() > 0);
    }

    /** Data to pixels inside the plot area. */
    private record Frame(double left, double right, double top, double bottom, Axis x, Axis y) {
        double px(double v) {
            return left + (right - left) * x.fraction(v);
        }

        double py(double v) {
            return bottom - (bottom - top) * y.fraction(v);
        }
    }

    /** An axis's domain and its ticks with labels. */
    private record Axis(double min, double max, boolean log, double[] ticks, String[] labels) {

        double fraction(double v) {
            return log ? (Math.log10(v) - min) / (max - min) : (v - min) / (max - min);
        }

        /**
         * Round-number ticks (1, 2 or 5 times a power of ten) covering [lo, hi], about six of them; from zero
         * when {@code fromZero} and the data is non-negative. No data gives 0..1.
         */
        static Axis linear(double lo, double hi, boolean fromZero) {
            if (lo > hi) {
                lo = 0;
                hi = 1;
            }
            if (fromZero && lo >= 0) {
                lo = 0;
            }
            if (lo == hi) {
                double pad = lo == 0 ? 1 : Math.abs(lo) / 2;
                lo = fromZero && lo >= 0 ? 0 : lo - pad;
                hi = hi + pad;
            }
            double step = nice((hi - lo) / 5);
            long first = (long) Math.floor(lo / step + 1e-9);
            long last = (long) Math.ceil(hi / step - 1e-9);
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            int n = (int) (last - first + 1);
            double[] ticks = new double[n];
            String[] labels = new String[n];
            for (int i = 0; i < n; i++) {
                // i * step, not repeated addition: no drift, and 0 is exactly 0
                BigDecimal v = BigDecimal.valueOf(first + i).multiply(new BigDecimal(Double.toString(step)));
                ticks[i] = v.doubleValue();
                labels[i] = String.format(Locale.ROOT, "%,." + decimals + "f", v);
            }
            return new Axis(ticks[0], ticks[n - 1], false, ticks, labels);
        }

        /** Whole decades covering [lo, hi] (both > 0), ticks at each power of ten. No data gives 1..10. */
        static Axis log(double lo, double hi) {
            if (lo > hi) {
                lo = 1;
                hi = 10;
            }
            int a = (int) Math.floor(Math.log10(lo) + 1e-9);
            int b = (int) Math.ceil(Math.log10(hi) - 1e-9);
            if (b <= a) {
                b = a + 1;
            }
            int n = b - a + 1;
            double[] ticks = new double[n];
            String[] labels = new String[n];
            for (int i = 0; i < n; i++) {
                int k = a + i;
                BigDecimal v = BigDecimal.ONE.scaleByPowerOfTen(k);
                ticks[i] = v.doubleValue();
                labels[i] = k < 0
                        ? v.toPlainString()
                        : k <= 6 ? String.format(Locale.ROOT, "%,d", v.longValueExact()) : "1e" + k;
            }
            return new Axis(a, b, true, ticks, labels);
        }

        /** The smallest of 1, 2, 5 times a power of ten that is >= {@code x}. */
        static double nice(double x) {
            double p = Math.pow(10, Math.floor(Math.log10(x)));
            double f = x / p;
            double m = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
            return m * p;
        }
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        s = s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
        return s.equals("-0") ? "0" : s;
    }

    /** XML text or attribute value: the five special characters escaped, characters XML 1.0 forbids dropped. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c == 0x9
                            || c == 0xA
                            || c == 0xD
                            || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD)
                            || c >= 0x10000) {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
