package io.infergate.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    @Test
    void ttftChartIsValidSvgWithOnePolylinePerPolicyOnALogScale() throws Exception {
        List<SeedMeans> means = SeedMeans.of(Fixtures.sweep());
        SvgChart chart = SvgChart.ttftP90("shared-prefix", means);
        Document doc = parse(chart.render());

        Element root = doc.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo(SVG_NS);
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 760 440");
        assertThat(root.getAttribute("width")).isEqualTo("760");
        assertThat(root.getAttribute("height")).isEqualTo("440");

        // 80 ms .. 40,000 ms: log scale, decades 10 .. 100,000
        assertThat(chart.logScale()).isTrue();
        assertThat(texts(doc, "y-labels")).containsExactly("10", "100", "1,000", "10,000", "100,000");
        assertThat(texts(doc, "y-title")).singleElement().asString().contains("log scale");

        List<Element> series = byClass(doc, "series");
        assertThat(series)
                .extracting(e -> e.getAttribute("data-series"))
                .containsExactly("round-robin", "prefix-aware", "random");
        assertThat(doc.getElementsByTagNameNS(SVG_NS, "polyline").getLength()).isEqualTo(3);
        for (Element s : series) {
            assertThat(s.getElementsByTagNameNS(SVG_NS, "polyline").getLength()).isEqualTo(1);
            assertThat(s.getElementsByTagNameNS(SVG_NS, "circle").getLength()).isEqualTo(2);
        }
        assertThat(series).extracting(e -> e.getAttribute("stroke")).doesNotHaveDuplicates();
        assertThat(texts(doc, "legend")).containsExactly("round-robin", "prefix-aware", "random");
        assertThat(doc.getElementsByTagNameNS(SVG_NS, "title").item(0).getTextContent())
                .isEqualTo("shared-prefix: TTFT p90 vs offered load");
    }

    @Test
    void throughputChartIsLinearFromZeroWithRoundTicks() throws Exception {
        SvgChart chart = SvgChart.throughput("w", SeedMeans.of(Fixtures.sweep()));
        Document doc = parse(chart.render());
        assertThat(chart.logScale()).isFalse();
        // up to 3,600 tok/s: steps of 1,000
        assertThat(texts(doc, "y-labels")).containsExactly("0", "1,000", "2,000", "3,000", "4,000");
        // rates 2 and 8: steps of 2
        assertThat(texts(doc, "x-labels")).containsExactly("2", "4", "6", "8");
    }

    @Test
    void autoScaleIsLogOnlyForWidePositiveRanges() {
        assertThat(chart(SvgChart.Scale.AUTO, pts(1, 10, 2, 50, 3, 500)).logScale())
                .isFalse(); // 50x
        assertThat(chart(SvgChart.Scale.AUTO, pts(1, 10, 2, 50, 3, 501)).logScale())
                .isTrue();
        assertThat(chart(SvgChart.Scale.AUTO, pts(1, 0, 2, 50, 3, 5000)).logScale())
                .isFalse(); // a zero
        assertThat(chart(SvgChart.Scale.AUTO, pts(1, Double.NaN, 2, 10, 3, 5000))
                        .logScale())
                .isTrue();
        assertThat(chart(SvgChart.Scale.LOG, pts(1, 10, 2, 11)).logScale()).isTrue();
        assertThat(chart(SvgChart.Scale.LINEAR, pts(1, 1, 2, 1e6)).logScale()).isFalse();
        assertThat(chart(SvgChart.Scale.AUTO).logScale()).isFalse();
    }

    @Test
    void xCoordinatesIncreaseWithRateWhateverTheInputOrder() throws Exception {
        Document doc = parse(
                chart(SvgChart.Scale.AUTO, pts(8, 5, 1, 1, 4, 3, 2, 2, 16, 9)).render());
        Element line = (Element) doc.getElementsByTagNameNS(SVG_NS, "polyline").item(0);
        List<double[]> xy = new ArrayList<>();
        for (String pair : line.getAttribute("points").split(" ")) {
            String[] p = pair.split(",");
            xy.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])});
        }
        assertThat(xy).hasSize(5);
        for (int i = 1; i < xy.size(); i++) {
            assertThat(xy.get(i)[0]).isGreaterThan(xy.get(i - 1)[0]);
            assertThat(xy.get(i)[1]).isLessThan(xy.get(i - 1)[1]); // y grows upwards: smaller pixel y
        }
    }

    @Test
    void missingValuesBreakTheLine() throws Exception {
        Document doc =
                parse(chart(SvgChart.Scale.LINEAR, pts(1, 1, 2, 2, 3, Double.NaN, 4, 4, 5, 5, 6, Double.NaN, 7, 7))
                        .render());
        Element s = byClass(doc, "series").getFirst();
        assertThat(s.getElementsByTagNameNS(SVG_NS, "polyline").getLength()).isEqualTo(2);
        // the lone point at 7 still gets a marker
        assertThat(s.getElementsByTagNameNS(SVG_NS, "circle").getLength()).isEqualTo(5);
    }

    @Test
    void noDataStillMakesAValidChart() throws Exception {
        Document doc = parse(chart(SvgChart.Scale.AUTO, pts(1, Double.NaN)).render());
        assertThat(doc.getElementsByTagNameNS(SVG_NS, "polyline").getLength()).isZero();
        assertThat(texts(doc, "no-data")).containsExactly("no data");
        Document empty = parse(new SvgChart("t", "x", "y", List.of(), SvgChart.Scale.LOG).render());
        assertThat(texts(empty, "y-labels")).containsExactly("1", "10");
    }

    @Test
    void escapesTextAndIsDeterministicInEveryLocale() throws Exception {
        SvgChart c = new SvgChart(
                "a < b & \"c\"",
                "x'",
                "y\u0001",
                List.of(
                        new SvgChart.Series("<script>&amp;", List.of(pts(0.5, 1.25, 1.5, 2.5))),
                        new SvgChart.Series("ünï ✓", List.of(pts(0.5, 2, 1.5, 3)))),
                SvgChart.Scale.AUTO);
        String svg = c.render();
        Document doc = parse(svg);
        assertThat(byClass(doc, "series").getFirst().getAttribute("data-series"))
                .isEqualTo("<script>&amp;");
        assertThat(doc.getElementsByTagNameNS(SVG_NS, "title").item(0).getTextContent())
                .isEqualTo("a < b & \"c\"");

        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("de-DE"));
            assertThat(c.render()).isEqualTo(svg);
            Locale.setDefault(Locale.forLanguageTag("ar-EG-u-nu-arab"));
            assertThat(c.render()).isEqualTo(svg);
        } finally {
            Locale.setDefault(before);
        }
        assertThat(SvgChart.ttftP90("w", SeedMeans.of(Fixtures.sweep()))
                        .render()
                        .getBytes(StandardCharsets.UTF_8))
                .isEqualTo(SvgChart.ttftP90("w", SeedMeans.of(Fixtures.sweep()))
                        .render()
                        .getBytes(StandardCharsets.UTF_8));
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> byClass(Document doc, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = doc.getElementsByTagNameNS(SVG_NS, "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("class").equals(cls)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The texts of the {@code <text>} elements with class {@code cls} or inside an element with it. */
    private static List<String> texts(Document doc, String cls) {
        List<String> out = new ArrayList<>();
        for (Element e : byClass(doc, cls)) {
            if (e.getLocalName().equals("text")) {
                out.add(e.getTextContent());
            }
            NodeList ts = e.getElementsByTagNameNS(SVG_NS, "text");
            for (int i = 0; i < ts.getLength(); i++) {
                out.add(ts.item(i).getTextContent());
            }
        }
        return out;
    }

    private static SvgChart chart(SvgChart.Scale scale, SvgChart.Point... points) {
        return new SvgChart(
                "t",
                "rate",
                "ms",
                points.length == 0 ? List.of() : List.of(new SvgChart.Series("s", List.of(points))),
                scale);
    }

    private static SvgChart.Point[] pts(double... xy) {
        SvgChart.Point[] out = new SvgChart.Point[xy.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = new SvgChart.Point(xy[2 * i], xy[2 * i + 1]);
        }
        return out;
    }
}
