package io.transferqueue.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A workload size of upstream's {@code put_benchmark}: {@code batch} rows × {@code fields} fields of {@code seq}
 * elements per row on average, with the iterations it runs by default (small scales are fast and noisy: many
 * iterations; GB-scale ones are slow: few). {@code large} and above run only on request.
 */
record Scale(String name, int batch, int seq, int fields, int defaultWarmup, int defaultIterations,
        boolean onRequestOnly) {

    static final List<Scale> KNOWN = List.of(
            new Scale("debug", 32, 128, 2, 100, 50, false),
            new Scale("tiny", 64, 1024, 4, 50, 30, false),
            new Scale("small", 512, 12800, 4, 3, 10, false),
            new Scale("medium", 1024, 65536, 4, 1, 5, false),
            new Scale("large", 2048, 128000, 5, 1, 3, true),
            new Scale("xlarge", 4096, 128000, 5, 1, 3, true),
            new Scale("huge", 4096, 128000, 10, 1, 3, true));

    /** The scales run without {@code --scales}. */
    static final String DEFAULT = "debug,tiny,small,medium";

    /**
     * Parses a comma-separated list of scale names, in the given order.
     *
     * @throws IllegalArgumentException naming an unknown scale and listing the known ones
     */
    static List<Scale> parse(String list) {
        List<Scale> out = new ArrayList<>();
        for (String n : list.split(",")) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            Scale s = KNOWN.stream().filter(k -> k.name.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown scale '" + n.trim() + "'; known: "
                            + String.join(", ", KNOWN.stream().map(Scale::name).toList())));
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no scale given; known: "
                    + String.join(", ", KNOWN.stream().map(Scale::name).toList()));
        }
        return out;
    }

    /** Elements of one field ({@code batch × seq}). */
    long elementsPerField() {
        return (long) batch * seq;
    }

    /** {@code B×seq×F}, as the table prints it. */
    String shape() {
        return batch + "×" + seq + "×" + fields;
    }
}
