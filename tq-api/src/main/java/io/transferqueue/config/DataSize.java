package io.transferqueue.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * An amount of bytes, parsed from text such as {@code 512}, {@code 64KiB}, {@code 64k}, {@code 1.5GiB},
 * {@code 2g}. Units are binary (1k = 1024 bytes); {@code KB}/{@code MB}/{@code GB} are read the same
 * way, as most JVM tools do. Fractions of a byte are dropped ({@code 0.5b} is 0).
 */
public record DataSize(long bytes) implements Comparable<DataSize> {
    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative data size " + bytes);
        }
    }

    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    public static DataSize ofKibibytes(long k) {
        return new DataSize(Math.multiplyExact(k, 1024L));
    }

    public static DataSize ofMebibytes(long m) {
        return new DataSize(Math.multiplyExact(m, 1024L * 1024));
    }

    public static DataSize ofGibibytes(long g) {
        return new DataSize(Math.multiplyExact(g, 1024L * 1024 * 1024));
    }

    /**
     * Parses {@code <number>[unit]}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static DataSize parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw bad(text);
        }
        BigDecimal number;
        try {
            number = new BigDecimal(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw bad(text);
        }
        String unit = t.substring(i);
        long mult;
        switch (unit) {
            case "":
            case "b":
                mult = 1;
                break;
            case "k": case "kb": case "kib":
                mult = 1L << 10;
                break;
            case "m": case "mb": case "mib":
                mult = 1L << 20;
                break;
            case "g": case "gb": case "gib":
                mult = 1L << 30;
                break;
            case "t": case "tb": case "tib":
                mult = 1L << 40;
                break;
            default:
                throw bad(text);
        }
        // exact arithmetic: a double cannot hold every long, and 2^63 rounded down to Long.MAX_VALUE
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(mult)).setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw bad(text);
        }
        return new DataSize(bytes.longValueExact());
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not a data size; expected a number with an optional "
                + "unit b, k/KiB, m/MiB, g/GiB, t/TiB, e.g. 64MiB");
    }

    @Override
    public int compareTo(DataSize o) {
        return Long.compare(bytes, o.bytes);
    }

    @Override
    public String toString() {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        long v = bytes;
        int u = 0;
        while (u < units.length - 1 && v != 0 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + units[u];
    }
}
