package io.infergate.api.load;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * State of decoding one document: the file name, the problems found so far (shared across the load), the
 * {@code Kind/name} once known, and the position of every field read. Confined to the loading thread.
 */
final class DecodeContext {

    private final String file;
    private final List<Problem> problems;
    private final Map<String, Location> fields = new HashMap<>();
    private String object = "";

    DecodeContext(String file, List<Problem> problems) {
        this.file = file;
        this.problems = problems;
    }

    String file() {
        return file;
    }

    void object(String kindSlashName) {
        this.object = kindSlashName;
    }

    Location location(Node node) {
        return location(node.getStartMark().orElse(null));
    }

    Location location(Mark mark) {
        // snakeyaml marks are 0-based; editors and compilers count from 1
        return mark == null ? Location.startOf(file) : new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    void record(String path, Node node) {
        fields.putIfAbsent(path, location(node));
    }

    Map<String, Location> fields() {
        return fields;
    }

    void error(Node at, String path, String message) {
        problems.add(Problem.error(location(at), object, path, message));
    }

    void warning(Node at, String path, String message) {
        problems.add(Problem.warning(location(at), object, path, message));
    }
}
