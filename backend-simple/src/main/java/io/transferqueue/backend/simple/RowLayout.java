package io.transferqueue.backend.simple;

import io.transferqueue.data.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of stored rows: names, dtypes and, for dense fields, the row shape. One instance is shared by
 * every row of a put, so reading many rows touches it once. Immutable.
 */
final class RowLayout {
    private final String[] names;
    /** Null for object fields. */
    private final DType[] dtypes;
    /** Non-null for dense fields: the shape of every row. */
    private final int[][] denseShapes;

    RowLayout(String[] names, DType[] dtypes, int[][] denseShapes) {
        this.names = names;
        this.dtypes = dtypes;
        this.denseShapes = denseShapes;
    }

    int size() {
        return names.length;
    }

    String name(int i) {
        return names[i];
    }

    DType dtype(int i) {
        return dtypes[i];
    }

    boolean isObject(int i) {
        return dtypes[i] == null;
    }

    /** Position of {@code name}, or -1. */
    int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) {
                return i;
            }
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The shape of {@code cell} (a tensor cell of field {@code i}) as a string, for messages.
     */
    String describe(int i, Object cell) {
        return isObject(i) ? "an object value" : "a tensor of " + dtypes[i] + " " + Arrays.toString(shape(i, cell));
    }

    /** The shape of tensor cell {@code cell} of field {@code i}. */
    int[] shape(int i, Object cell) {
        if (denseShapes[i] != null) {
            return denseShapes[i].clone();
        }
        if (cell instanceof Cells.Shaped s) {
            return s.shape().clone();
        }
        return new int[] {((java.nio.ByteBuffer) cell).capacity() / dtypes[i].elementSize()};
    }

    /**
     * True if tensor cell {@code cell} of field {@code i} has the shape {@code expected[from .. from+rank)}.
     * Allocates nothing.
     */
    boolean shapeEquals(int i, Object cell, int[] expected, int from, int rank) {
        int[] dense = denseShapes[i];
        if (dense != null) {
            return Arrays.equals(dense, 0, dense.length, expected, from, from + rank);
        }
        if (cell instanceof Cells.Shaped s) {
            return Arrays.equals(s.shape(), 0, s.shape().length, expected, from, from + rank);
        }
        return rank == 1 && (long) expected[from] * dtypes[i].elementSize() == ((java.nio.ByteBuffer) cell).capacity();
    }

    /**
     * The layout of a row holding this layout's fields updated by {@code update}'s: fields of this layout
     * that {@code update} lacks come first, then {@code update}'s. {@code sources[j]} tells where field j comes
     * from: {@code k >= 0} is field k of this layout, {@code -1 - k} field k of the update.
     */
    RowLayout mergedWith(RowLayout update, int[] sources) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (update.indexOf(names[i]) < 0) {
                kept.add(i);
            }
        }
        int n = kept.size() + update.names.length;
        String[] ns = new String[n];
        DType[] ds = new DType[n];
        int[][] shapes = new int[n][];
        int j = 0;
        for (int i : kept) {
            ns[j] = names[i];
            ds[j] = dtypes[i];
            shapes[j] = denseShapes[i];
            sources[j++] = i;
        }
        for (int k = 0; k < update.names.length; k++) {
            ns[j] = update.names[k];
            ds[j] = update.dtypes[k];
            shapes[j] = update.denseShapes[k];
            sources[j++] = -1 - k;
        }
        return new RowLayout(ns, ds, shapes);
    }

    /** The layout of fields {@code indexes} of this one, in that order. */
    RowLayout select(int[] indexes) {
        int n = indexes.length;
        String[] ns = new String[n];
        DType[] ds = new DType[n];
        int[][] shapes = new int[n][];
        for (int j = 0; j < n; j++) {
            int i = indexes[j];
            ns[j] = names[i];
            ds[j] = dtypes[i];
            shapes[j] = denseShapes[i];
        }
        return new RowLayout(ns, ds, shapes);
    }

    /** Number of fields of the layout {@link #mergedWith} would build. */
    int mergedSize(RowLayout update) {
        int n = update.names.length;
        for (String name : names) {
            if (update.indexOf(name) < 0) {
                n++;
            }
        }
        return n;
    }
}
