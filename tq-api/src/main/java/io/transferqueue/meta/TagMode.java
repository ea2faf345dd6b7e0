package io.transferqueue.meta;

/** How new per-row tags combine with the tags a row already has. */
public enum TagMode {
    /** Add the new keys, overwrite existing keys with the new values, keep the others. */
    MERGE,
    /** Drop the old tags and keep only the new ones. */
    REPLACE
}
