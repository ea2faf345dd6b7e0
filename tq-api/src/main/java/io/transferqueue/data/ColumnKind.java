package io.transferqueue.data;

/** The three column layouts. A GET returns the kind the producer put. */
public enum ColumnKind {
    /** Every row has the same shape: one buffer of B rows. */
    DENSE,
    /** Rows have their own shapes (same rank): one values buffer plus offsets. */
    JAGGED,
    /** Rows are safe values (strings, numbers, lists, maps, bytes); see {@link ObjectValues}. */
    OBJECT
}
