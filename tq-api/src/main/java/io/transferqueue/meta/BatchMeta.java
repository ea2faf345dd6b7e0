package io.transferqueue.meta;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Batch;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.ObjectValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Columnar, immutable metadata of a batch of rows: which rows (handles), which fields and their schema,
 * which rows are ready, the per-row tags, the per-row per-field backend meta, and batch-level extra info
 * (client side only, never sent to the controller). It never holds payload bytes.
 *
 * <p>Every operation returns a new instance and never changes its inputs. Per-row state is stored as
 * parallel arrays; dense fields cost O(1) whatever the row count.
 *
 * <p>Thread-safe: instances are immutable.
 */
public final class BatchMeta {
    private static final String[] NO_STRINGS = new String[0];
    private static final BatchMeta EMPTY = new BatchMeta(NO_STRINGS, new long[0], new int[0],
            Collections.emptySortedMap(), new boolean[0], null, Collections.emptySortedMap(), Map.of());

    private final String[] partitions;
    private final long[] globalIndexes;
    private final int[] generations;
    private final SortedMap<String, FieldSchema> schema;
    private final boolean[] ready;
    /** Per-row tags; null means every row has none. Never mutated. */
    private final Map<String, Object>[] tags;
    /** Field → per-row backend meta (entries may be null). Only fields with any meta appear. */
    private final SortedMap<String, Object[]> backendMeta;
    private final Map<String, Object> extraInfo;

    private BatchMeta(String[] partitions, long[] globalIndexes, int[] generations,
            SortedMap<String, FieldSchema> schema, boolean[] ready, Map<String, Object>[] tags,
            SortedMap<String, Object[]> backendMeta, Map<String, Object> extraInfo) {
        this.partitions = partitions;
        this.globalIndexes = globalIndexes;
        this.generations = generations;
        this.schema = schema;
        this.ready = ready;
        this.tags = tags;
        this.backendMeta = backendMeta;
        this.extraInfo = extraInfo;
    }

    /** Metadata of no rows. */
    public static BatchMeta empty() {
        return EMPTY;
    }

    /** Metadata of the given rows with no fields, nothing ready, no tags. */
    public static BatchMeta of(List<RowHandle> handles) {
        return builder().handles(handles).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ accessors

    /** Number of rows. */
    public int size() {
        return globalIndexes.length;
    }

    public boolean isEmpty() {
        return globalIndexes.length == 0;
    }

    /** Handle of row {@code i}. */
    public RowHandle handle(int i) {
        return new RowHandle(partitions[i], globalIndexes[i], generations[i]);
    }

    /** All handles in row order. */
    public List<RowHandle> handles() {
        List<RowHandle> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(handle(i));
        }
        return out;
    }

    public String partition(int i) {
        return partitions[i];
    }

    public long globalIndex(int i) {
        return globalIndexes[i];
    }

    public int generation(int i) {
        return generations[i];
    }

    /** Global indexes in row order (a copy). */
    public long[] globalIndexes() {
        return globalIndexes.clone();
    }

    /** Generations in row order (a copy). */
    public int[] generations() {
        return generations.clone();
    }

    /** Partition of every row in row order (a copy). */
    public String[] partitions() {
        return partitions.clone();
    }

    /** Distinct partitions in order of first appearance. */
    public List<String> distinctPartitions() {
        List<String> out = new ArrayList<>();
        for (String p : partitions) {
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Field names, sorted. */
    public SortedSet<String> fieldNames() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(schema.keySet()));
    }

    /** Field name → schema, sorted by name (unmodifiable). */
    public SortedMap<String, FieldSchema> schema() {
        return schema;
    }

    /** True if the meta has field {@code field}. */
    public boolean hasField(String field) {
        return schema.containsKey(field);
    }

    /**
     * Schema of {@code field}.
     *
     * @throws IllegalArgumentException naming the field and the fields there are
     */
    public FieldSchema schema(String field) {
        FieldSchema s = schema.get(field);
        if (s == null) {
            throw new IllegalArgumentException("field '" + field + "' not found; the meta has " + schema.keySet());
        }
        return s;
    }

    /** True if there is at least one row and every row is ready. */
    public boolean isReady() {
        if (ready.length == 0) {
            return false;
        }
        for (boolean r : ready) {
            if (!r) {
                return false;
            }
        }
        return true;
    }

    /** True if row {@code i} is ready (all its fields in this meta are produced). */
    public boolean isReady(int i) {
        return ready[i];
    }

    /** Tags of row {@code i} (unmodifiable, possibly empty). */
    public Map<String, Object> tags(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("row " + i + " out of range [0, " + size() + ")");
        }
        return tags == null || tags[i] == null ? Map.of() : tags[i];
    }

    /** Tags of all rows in row order. */
    public List<Map<String, Object>> tagsList() {
        List<Map<String, Object>> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(tags(i));
        }
        return Collections.unmodifiableList(out);
    }

    /** True if some row carries tags. */
    public boolean hasTags() {
        if (tags == null) {
            return false;
        }
        for (Map<String, Object> t : tags) {
            if (t != null && !t.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Backend meta of ({@code field}, row {@code i}), or {@code null}. */
    public Object backendMeta(String field, int i) {
        Object[] col = backendMeta.get(field);
        return col == null ? null : col[i];
    }

    /** Fields that carry backend meta. */
    public SortedSet<String> backendMetaFields() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(backendMeta.keySet()));
    }

    /** Backend meta of {@code field} for all rows (unmodifiable; entries may be null), or null if none. */
    public List<Object> backendMetaColumn(String field) {
        Object[] col = backendMeta.get(field);
        return col == null ? null : Collections.unmodifiableList(Arrays.asList(col));
    }

    /** Batch-level extra info (unmodifiable). Client side only: never sent to the controller. */
    public Map<String, Object> extraInfo() {
        return extraInfo;
    }

    // ------------------------------------------------------------------ operations

    /**
     * The rows at {@code positions} (batch positions, not global indexes); duplicates and order are kept.
     *
     * @throws IndexOutOfBoundsException naming a position outside {@code [0, size)}
     */
    public BatchMeta selectRows(int... positions) {
        int n = positions.length;
        for (int p : positions) {
            if (p < 0 || p >= size()) {
                throw new IndexOutOfBoundsException("row position " + p + " out of range [0, " + size() + ")");
            }
        }
        String[] ps = new String[n];
        long[] gis = new long[n];
        int[] gens = new int[n];
        boolean[] rd = new boolean[n];
        Map<String, Object>[] tg = tags == null ? null : newTagArray(n);
        for (int j = 0; j < n; j++) {
            int i = positions[j];
            ps[j] = partitions[i];
            gis[j] = globalIndexes[i];
            gens[j] = generations[i];
            rd[j] = ready[i];
            if (tg != null) {
                tg[j] = tags[i];
            }
        }
        SortedMap<String, FieldSchema> sc = new TreeMap<>();
        schema.forEach((f, s) -> sc.put(f, s.selectRows(positions)));
        SortedMap<String, Object[]> bm = new TreeMap<>();
        backendMeta.forEach((f, col) -> {
            Object[] out = new Object[n];
            for (int j = 0; j < n; j++) {
                out[j] = col[positions[j]];
            }
            bm.put(f, out);
        });
        dropEmptyColumns(bm);
        return new BatchMeta(ps, gis, gens, Collections.unmodifiableSortedMap(sc), rd, tg,
                Collections.unmodifiableSortedMap(bm), extraInfo);
    }

    /** Rows {@code [from, to)}. */
    public BatchMeta slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range [0, " + size() + ")");
        }
        int[] positions = new int[to - from];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = from + i;
        }
        return selectRows(positions);
    }

    /**
     * Only the fields {@code names} (schema and backend meta); rows, ready flags, tags and extra info are
     * kept.
     *
     * @throws IllegalArgumentException naming a field this meta does not have
     */
    public BatchMeta selectFields(Collection<String> names) {
        SortedMap<String, FieldSchema> sc = new TreeMap<>();
        SortedMap<String, Object[]> bm = new TreeMap<>();
        for (String f : names) {
            sc.put(f, schema(f));
            Object[] col = backendMeta.get(f);
            if (col != null) {
                bm.put(f, col);
            }
        }
        return new BatchMeta(partitions, globalIndexes, generations, Collections.unmodifiableSortedMap(sc), ready,
                tags, Collections.unmodifiableSortedMap(bm), extraInfo);
    }

    /** {@link #selectFields(Collection)} with varargs. */
    public BatchMeta selectFields(String... names) {
        return selectFields(List.of(names));
    }

    /**
     * The rows permuted: row {@code j} of the result is row {@code order[j]} of this meta.
     *
     * @throws IllegalArgumentException if {@code order} is not a permutation of {@code [0, size)}
     */
    public BatchMeta reorder(int... order) {
        if (order.length != size()) {
            throw new IllegalArgumentException("reorder needs " + size() + " positions, got " + order.length);
        }
        boolean[] seen = new boolean[size()];
        for (int p : order) {
            if (p < 0 || p >= size()) {
                throw new IllegalArgumentException("reorder position " + p + " out of range [0, " + size() + ")");
            }
            if (seen[p]) {
                throw new IllegalArgumentException("reorder position " + p + " appears twice");
            }
            seen[p] = true;
        }
        return selectRows(order);
    }

    /**
     * Splits into {@code n} contiguous chunks; the first {@code size % n} get one row more (10 rows in 3:
     * 4, 3, 3). With {@code n > size} the last chunks are empty. {@code concat(chunk(n)) equals this}.
     */
    public List<BatchMeta> chunk(int n) {
        int[] b = Batch.chunkBounds(size(), n);
        List<BatchMeta> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(slice(b[i], b[i + 1]));
        }
        return out;
    }

    /** One meta per partition, in order of first appearance, rows in their original order. */
    public List<BatchMeta> chunkByPartition() {
        Map<String, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < size(); i++) {
            byPartition.computeIfAbsent(partitions[i], k -> new ArrayList<>()).add(i);
        }
        List<BatchMeta> out = new ArrayList<>(byPartition.size());
        for (List<Integer> rows : byPartition.values()) {
            out.add(selectRows(rows.stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    /**
     * Appends metas row-wise ("same fields, more rows"). Empty parts are skipped (if no part has rows, the
     * first non-null part is returned, or {@link #empty()} if there is none). Every non-empty part must
     * have the same field names and dtypes; dense fields whose shapes differ between parts become jagged.
     * Extra info keeps the keys whose values agree across parts and drops the keys whose values conflict.
     *
     * @throws IllegalArgumentException on different field sets (naming the extra and missing fields) or a
     *     dtype conflict (naming the field)
     */
    public static BatchMeta concat(List<BatchMeta> parts) {
        requireNonNull(parts, "parts is null");
        List<BatchMeta> ps = new ArrayList<>();
        for (BatchMeta m : parts) {
            if (m != null && !m.isEmpty()) {
                ps.add(m);
            }
        }
        if (ps.isEmpty()) {
            // no part has rows: keep the first one's fields and extra info rather than dropping them, so
            // concat(chunk(m, n)) is m for an empty m too
            for (BatchMeta m : parts) {
                if (m != null) {
                    return m;
                }
            }
            return EMPTY;
        }
        if (ps.size() == 1) {
            return ps.get(0);
        }
        BatchMeta first = ps.get(0);
        for (int k = 1; k < ps.size(); k++) {
            BatchMeta m = ps.get(k);
            if (!m.schema.keySet().equals(first.schema.keySet())) {
                TreeSet<String> extra = new TreeSet<>(m.schema.keySet());
                extra.removeAll(first.schema.keySet());
                TreeSet<String> missing = new TreeSet<>(first.schema.keySet());
                missing.removeAll(m.schema.keySet());
                throw new IllegalArgumentException("BatchMeta.concat: field names differ at part " + k + ": expected "
                        + first.schema.keySet() + ", extra " + extra + ", missing " + missing);
            }
        }
        int n = 0;
        int[] sizes = new int[ps.size()];
        boolean anyTags = false;
        for (int k = 0; k < ps.size(); k++) {
            sizes[k] = ps.get(k).size();
            n += sizes[k];
            anyTags |= ps.get(k).tags != null;
        }
        String[] partitions = new String[n];
        long[] gis = new long[n];
        int[] gens = new int[n];
        boolean[] rd = new boolean[n];
        Map<String, Object>[] tg = anyTags ? newTagArray(n) : null;
        int off = 0;
        for (BatchMeta m : ps) {
            int s = m.size();
            System.arraycopy(m.partitions, 0, partitions, off, s);
            System.arraycopy(m.globalIndexes, 0, gis, off, s);
            System.arraycopy(m.generations, 0, gens, off, s);
            System.arraycopy(m.ready, 0, rd, off, s);
            if (tg != null && m.tags != null) {
                System.arraycopy(m.tags, 0, tg, off, s);
            }
            off += s;
        }
        SortedMap<String, FieldSchema> sc = new TreeMap<>();
        for (String f : first.schema.keySet()) {
            List<FieldSchema> fs = new ArrayList<>(ps.size());
            for (BatchMeta m : ps) {
                fs.add(m.schema.get(f));
            }
            try {
                sc.put(f, FieldSchema.concat(fs, sizes));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("BatchMeta.concat: field '" + f + "': " + e.getMessage(), e);
            }
        }
        SortedMap<String, Object[]> bm = new TreeMap<>();
        for (BatchMeta m : ps) {
            for (String f : m.backendMeta.keySet()) {
                bm.computeIfAbsent(f, k -> new Object[gis.length]);
            }
        }
        off = 0;
        for (BatchMeta m : ps) {
            int start = off;
            m.backendMeta.forEach((f, col) -> System.arraycopy(col, 0, bm.get(f), start, col.length));
            off += m.size();
        }
        dropEmptyColumns(bm);
        Map<String, Object> extra = new LinkedHashMap<>();
        Set<String> conflicting = new HashSet<>();
        for (BatchMeta m : ps) {
            for (Map.Entry<String, Object> e : m.extraInfo.entrySet()) {
                String k = e.getKey();
                if (conflicting.contains(k)) {
                    continue;
                }
                if (!extra.containsKey(k)) {
                    extra.put(k, e.getValue());
                } else if (!ObjectValues.deepEquals(extra.get(k), e.getValue())) {
                    extra.remove(k);
                    conflicting.add(k);
                }
            }
        }
        return new BatchMeta(partitions, gis, gens, Collections.unmodifiableSortedMap(sc), rd, tg,
                Collections.unmodifiableSortedMap(bm), Collections.unmodifiableMap(extra));
    }

    /**
     * The same rows with the fields of both ("same rows, more fields"). Schemas, backend meta, tags and extra
     * info of {@code other} win on a name clash; a row is ready only if it is ready in both. If exactly one
     * side has no rows the other is returned; two metas without rows are merged like any others, so union
     * of disjoint fields commutes.
     *
     * @throws IllegalArgumentException if the rows (partition, global index, generation) differ
     */
    public BatchMeta union(BatchMeta other) {
        if (other == null || (other.isEmpty() && !isEmpty())) {
            return this;
        }
        if (isEmpty() && !other.isEmpty()) {
            return other;
        }
        if (!Arrays.equals(globalIndexes, other.globalIndexes) || !Arrays.equals(generations, other.generations)
                || !Arrays.equals(partitions, other.partitions)) {
            throw new IllegalArgumentException("BatchMeta.union needs the same rows in the same order: "
                    + describeRows() + " vs " + other.describeRows());
        }
        SortedMap<String, FieldSchema> sc = new TreeMap<>(schema);
        sc.putAll(other.schema);
        SortedMap<String, Object[]> bm = new TreeMap<>(backendMeta);
        bm.putAll(other.backendMeta);
        boolean[] rd = new boolean[size()];
        for (int i = 0; i < rd.length; i++) {
            rd[i] = ready[i] && other.ready[i];
        }
        Map<String, Object>[] tg = tags;
        if (other.tags != null) {
            tg = newTagArray(size());
            for (int i = 0; i < tg.length; i++) {
                tg[i] = mergeTags(tags(i), other.tags(i));
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>(extraInfo);
        extra.putAll(other.extraInfo);
        return new BatchMeta(partitions, globalIndexes, generations, Collections.unmodifiableSortedMap(sc), rd, tg,
                Collections.unmodifiableSortedMap(bm), Collections.unmodifiableMap(extra));
    }

    /**
     * Adds (or replaces) the fields of {@code batch} with the schema of its columns, and marks every row
     * ready if {@code setReady}. A batch of no rows leaves this meta unchanged.
     *
     * @throws IllegalArgumentException if the batch size differs from this meta's
     */
    public BatchMeta withFields(Batch batch, boolean setReady) {
        if (batch.size() == 0) {
            return this;
        }
        if (batch.size() != size()) {
            throw new IllegalArgumentException("withFields: batch has " + batch.size() + " rows, meta has " + size());
        }
        Map<String, FieldSchema> fields = new LinkedHashMap<>();
        batch.columns().forEach((n, c) -> fields.put(n, FieldSchema.of(c)));
        return withSchema(fields, setReady);
    }

    /**
     * Adds (or replaces) field schemas; marks every row ready if {@code setReady}.
     *
     * @throws IllegalArgumentException if a jagged schema does not cover exactly this meta's rows
     */
    public BatchMeta withSchema(Map<String, FieldSchema> fields, boolean setReady) {
        SortedMap<String, FieldSchema> sc = new TreeMap<>(schema);
        fields.forEach((f, s) -> {
            checkSchemaRows(f, s, size());
            sc.put(f, s);
        });
        boolean[] rd = ready;
        if (setReady) {
            rd = new boolean[size()];
            Arrays.fill(rd, true);
        }
        return new BatchMeta(partitions, globalIndexes, generations, Collections.unmodifiableSortedMap(sc), rd, tags,
                backendMeta, extraInfo);
    }

    /** The same meta with the given ready flags (a copy is taken). */
    public BatchMeta withReady(boolean[] flags) {
        if (flags.length != size()) {
            throw new IllegalArgumentException("ready flags length " + flags.length + " != batch size " + size());
        }
        return new BatchMeta(partitions, globalIndexes, generations, schema, flags.clone(), tags, backendMeta,
                extraInfo);
    }

    /**
     * Per-row tags combined with the existing ones by {@code mode}. {@code null} entries mean "no new tags
     * for this row".
     *
     * @throws IllegalArgumentException if the list length differs from the size, or a value is not a safe
     *     value type
     */
    public BatchMeta withTags(List<? extends Map<String, ?>> newTags, TagMode mode) {
        requireNonNull(mode, "mode is null");
        if (newTags.size() != size()) {
            throw new IllegalArgumentException("tags list has " + newTags.size() + " entries, batch size is " + size());
        }
        Map<String, Object>[] tg = newTagArray(size());
        for (int i = 0; i < tg.length; i++) {
            Map<String, ?> t = newTags.get(i);
            Map<String, Object> norm = ObjectValues.normalizeMap(t, "tags of row " + i);
            if (t == null) {
                tg[i] = tags(i);
            } else {
                tg[i] = mode == TagMode.REPLACE ? norm : mergeTags(tags(i), norm);
            }
        }
        return new BatchMeta(partitions, globalIndexes, generations, schema, ready, tg, backendMeta, extraInfo);
    }

    /**
     * Sets the backend meta of {@code field} for every row (entries may be null; values must be safe value
     * types).
     */
    public BatchMeta withBackendMeta(String field, List<?> perRow) {
        requireNonNull(field, "field is null");
        requireNonNull(perRow, "perRow is null");
        if (perRow.size() != size()) {
            throw new IllegalArgumentException("backend meta of field '" + field + "' has " + perRow.size()
                    + " entries, batch size is " + size());
        }
        Object[] col = new Object[size()];
        for (int i = 0; i < col.length; i++) {
            col[i] = ObjectValues.normalize(perRow.get(i), "backend meta of field '" + field + "' row " + i);
        }
        SortedMap<String, Object[]> bm = new TreeMap<>(backendMeta);
        bm.put(field, col);
        dropEmptyColumns(bm);
        return new BatchMeta(partitions, globalIndexes, generations, schema, ready, tags,
                Collections.unmodifiableSortedMap(bm), extraInfo);
    }

    /** Extra info with {@code key} set (a safe value type). */
    public BatchMeta withExtraInfo(String key, Object value) {
        Map<String, Object> extra = new LinkedHashMap<>(extraInfo);
        extra.put(requireNonNull(key, "key is null"), ObjectValues.normalize(value, "extra info '" + key + "'"));
        return new BatchMeta(partitions, globalIndexes, generations, schema, ready, tags, backendMeta,
                Collections.unmodifiableMap(extra));
    }

    /** Extra info replaced by {@code info}. */
    public BatchMeta withExtraInfo(Map<String, ?> info) {
        return new BatchMeta(partitions, globalIndexes, generations, schema, ready, tags, backendMeta,
                ObjectValues.normalizeMap(info, "extra info"));
    }

    /** Extra info without {@code key}. */
    public BatchMeta withoutExtraInfo(String key) {
        if (!extraInfo.containsKey(key)) {
            return this;
        }
        Map<String, Object> extra = new LinkedHashMap<>(extraInfo);
        extra.remove(key);
        return new BatchMeta(partitions, globalIndexes, generations, schema, ready, tags, backendMeta,
                Collections.unmodifiableMap(extra));
    }

    private String describeRows() {
        int n = Math.min(size(), 8);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(handle(i));
        }
        return sb.append(size() > n ? ", ... (" + size() + " rows)]" : "]").toString();
    }

    private static Map<String, Object> mergeTags(Map<String, Object> base, Map<String, Object> update) {
        if (update.isEmpty()) {
            return base;
        }
        if (base.isEmpty()) {
            return update;
        }
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.putAll(update);
        return Collections.unmodifiableMap(m);
    }

    /** A backend meta column whose entries are all null carries nothing: it is dropped, as the builder does. */
    private static void dropEmptyColumns(SortedMap<String, Object[]> bm) {
        bm.values().removeIf(col -> Arrays.stream(col).allMatch(v -> v == null));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] newTagArray(int n) {
        return (Map<String, Object>[]) new Map<?, ?>[n];
    }

    private static void checkSchemaRows(String field, FieldSchema s, int size) {
        if (s.kind() == ColumnKind.JAGGED && s.rowCount() != size) {
            throw new IllegalArgumentException("field '" + field + "' has per-row shapes for " + s.rowCount()
                    + " rows, batch size is " + size);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BatchMeta m)) {
            return false;
        }
        if (!Arrays.equals(globalIndexes, m.globalIndexes) || !Arrays.equals(generations, m.generations)
                || !Arrays.equals(partitions, m.partitions) || !Arrays.equals(ready, m.ready)
                || !schema.equals(m.schema) || !ObjectValues.deepEquals(extraInfo, m.extraInfo)) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            if (!ObjectValues.deepEquals(tags(i), m.tags(i))) {
                return false;
            }
        }
        // a missing backend meta column is the same as a column of nulls
        Set<String> fields = new TreeSet<>(backendMeta.keySet());
        fields.addAll(m.backendMeta.keySet());
        for (String f : fields) {
            Object[] a = backendMeta.get(f);
            Object[] b = m.backendMeta.get(f);
            for (int i = 0; i < size(); i++) {
                if (!ObjectValues.deepEquals(a == null ? null : a[i], b == null ? null : b[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(globalIndexes) + schema.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "BatchMeta(" + size() + " rows " + describeRows() + ", fields " + schema.keySet()
                + (isReady() ? ", ready" : "") + ")";
    }

    /** Builds a meta; everything is validated in {@link #build()}. */
    public static final class Builder {
        private String[] partitions = NO_STRINGS;
        private long[] globalIndexes = new long[0];
        private int[] generations = new int[0];
        private final Map<String, FieldSchema> schema = new HashMap<>();
        private boolean[] ready;
        private boolean allReady;
        private List<? extends Map<String, ?>> tags;
        private final Map<String, List<?>> backendMeta = new HashMap<>();
        private Map<String, ?> extraInfo = Map.of();

        private Builder() {
        }

        /** The rows. */
        public Builder handles(List<RowHandle> handles) {
            int n = handles.size();
            partitions = new String[n];
            globalIndexes = new long[n];
            generations = new int[n];
            for (int i = 0; i < n; i++) {
                RowHandle h = handles.get(i);
                partitions[i] = h.partition();
                globalIndexes[i] = h.globalIndex();
                generations[i] = h.generation();
            }
            return this;
        }

        /** The rows as parallel arrays (copied). */
        public Builder rows(String[] partitions, long[] globalIndexes, int[] generations) {
            if (partitions.length != globalIndexes.length || generations.length != globalIndexes.length) {
                throw new IllegalArgumentException("length mismatch: " + partitions.length + " partitions, "
                        + globalIndexes.length + " global indexes, " + generations.length + " generations");
            }
            this.partitions = partitions.clone();
            this.globalIndexes = globalIndexes.clone();
            this.generations = generations.clone();
            return this;
        }

        /** Rows of one partition. */
        public Builder rows(String partition, long[] globalIndexes, int[] generations) {
            String[] ps = new String[globalIndexes.length];
            Arrays.fill(ps, requireNonNull(partition, "partition is null"));
            return rows(ps, globalIndexes, generations);
        }

        public Builder field(String name, FieldSchema fieldSchema) {
            schema.put(requireNonNull(name, "name is null"), requireNonNull(fieldSchema, "fieldSchema is null"));
            return this;
        }

        public Builder fields(Map<String, FieldSchema> fields) {
            fields.forEach(this::field);
            return this;
        }

        /** Ready flags (default: none ready). */
        public Builder ready(boolean[] flags) {
            this.ready = flags.clone();
            return this;
        }

        /** Marks every row ready (or none). */
        public Builder allReady(boolean value) {
            this.ready = null;
            this.allReady = value;
            return this;
        }

        /** Per-row tags (null entries mean none). */
        public Builder tags(List<? extends Map<String, ?>> tags) {
            this.tags = tags;
            return this;
        }

        /** Per-row backend meta of one field (entries may be null). */
        public Builder backendMeta(String field, List<?> perRow) {
            backendMeta.put(requireNonNull(field, "field is null"), perRow);
            return this;
        }

        public Builder extraInfo(Map<String, ?> info) {
            this.extraInfo = info == null ? Map.of() : info;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException on length mismatches, negative indexes, jagged schemas that do not
         *     cover the rows, or values that are not safe value types
         */
        public BatchMeta build() {
            int n = globalIndexes.length;
            for (int i = 0; i < n; i++) {
                if (partitions[i] == null) {
                    throw new IllegalArgumentException("row " + i + " has no partition");
                }
                if (globalIndexes[i] < 0 || generations[i] < 0) {
                    throw new IllegalArgumentException("row " + i + " has a negative global index or generation");
                }
            }
            boolean[] rd = ready;
            if (rd == null) {
                rd = new boolean[n];
                if (allReady) {
                    Arrays.fill(rd, true);
                }
            } else if (rd.length != n) {
                throw new IllegalArgumentException("ready flags length " + rd.length + " != batch size " + n);
            }
            SortedMap<String, FieldSchema> sc = new TreeMap<>();
            schema.forEach((f, s) -> {
                checkSchemaRows(f, s, n);
                sc.put(f, s);
            });
            Map<String, Object>[] tg = null;
            if (tags != null && !tags.isEmpty()) {
                if (tags.size() != n) {
                    throw new IllegalArgumentException("tags length " + tags.size() + " != batch size " + n);
                }
                tg = newTagArray(n);
                for (int i = 0; i < n; i++) {
                    tg[i] = ObjectValues.normalizeMap(tags.get(i), "tags of row " + i);
                }
            }
            SortedMap<String, Object[]> bm = new TreeMap<>();
            for (Map.Entry<String, List<?>> e : backendMeta.entrySet()) {
                List<?> perRow = e.getValue();
                if (perRow.size() != n) {
                    throw new IllegalArgumentException("backend meta of field '" + e.getKey() + "' has " + perRow.size()
                            + " entries, batch size is " + n);
                }
                Object[] col = new Object[n];
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    col[i] = ObjectValues.normalize(perRow.get(i), "backend meta of field '" + e.getKey() + "' row " + i);
                    any |= col[i] != null;
                }
                if (any) {
                    bm.put(e.getKey(), col);
                }
            }
            return new BatchMeta(partitions.clone(), globalIndexes.clone(), generations.clone(),
                    Collections.unmodifiableSortedMap(sc), rd, tg, Collections.unmodifiableSortedMap(bm),
                    ObjectValues.normalizeMap(extraInfo, "extra info"));
        }
    }
}
