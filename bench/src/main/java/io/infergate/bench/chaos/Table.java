package io.infergate.bench.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One scenario's results: named columns, one row per case, printed as a Markdown table and kept for the JSON
 * report. Numbers are formatted here (integers as is, others with one decimal, NaN as {@code -}). Not thread-safe:
 * the scenario's thread fills it.
 */
public final class Table {

    private final String title;
    private final List<String> columns;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    /** A table with these columns, in this order. */
    public Table(String title, List<String> columns) {
        this.title = title;
        this.columns = List.copyOf(columns);
    }

    public String title() {
        return title;
    }

    public List<String> columns() {
        return columns;
    }

    /** The rows added so far, column name to value; for the JSON report. */
    public List<Map<String, Object>> rows() {
        return List.copyOf(rows);
    }

    /**
     * Adds a row: one value per column, in order.
     *
     * @throws IllegalArgumentException when the count of values is not the count of columns
     */
    public String add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(
                    title + ": " + values.length + " values for " + columns.size() + " columns");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            row.put(columns.get(i), v instanceof Double d && d.isNaN() ? null : v);
        }
        rows.add(row);
        return line(row);
    }

    /** The Markdown header and separator lines. */
    public String header() {
        return "| " + String.join(" | ", columns) + " |\n|" + "---|".repeat(columns.size());
    }

    /** The whole table in Markdown, header first. */
    public String markdown() {
        StringBuilder b = new StringBuilder(header());
        for (Map<String, Object> row : rows) {
            b.append('\n').append(line(row));
        }
        return b.toString();
    }

    private String line(Map<String, Object> row) {
        StringBuilder b = new StringBuilder("|");
        for (String c : columns) {
            b.append(' ').append(format(row.get(c))).append(" |");
        }
        return b.toString();
    }

    static String format(Object v) {
        return switch (v) {
            case null -> "-";
            case Double d when d.isNaN() || d.isInfinite() -> "-";
            case Double d -> String.format(Locale.ROOT, "%.1f", d);
            case Float f -> String.format(Locale.ROOT, "%.1f", f);
            default -> v.toString();
        };
    }
}
