package io.transferqueue.spi;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.wire.ValueCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link StorageManager} of every key-value backend: turns the cells (row × field) of batches into keys
 * and byte values over a {@link KvStorageClient} (RocksDB, Redis, device memory, or a third party's store).
 *
 * <p><b>Keys.</b> One key per cell: {@code <keyPrefix><partition>/<globalIndex>.<generation>/<field>}, with
 * {@code %} and {@code /} in the partition and field names written as {@code %25} and {@code %2F}, so two
 * distinct cells never share a key and every key maps back to exactly one cell ({@link #cellOf}). The
 * generation is part of the key: a stale handle can neither read nor delete the cell of a reused row. The
 * format is stable (persistent stores keep data across restarts); the prefix is used verbatim.
 *
 * <p><b>Values.</b> A dense or jagged cell is the row's raw little-endian bytes; an object cell is
 * {@link ValueCodec#encode}. There is no per-cell header: the schema in the {@link BatchMeta} says how to
 * rebuild each cell on {@link #get}.
 *
 * <p><b>Ownership.</b> The manager owns the client it is given and closes it in {@link #close()}; if the
 * constructor throws, the caller still owns it. {@link #put} hands the client views of the batch's row
 * bytes (no copy); the caller must not change the batch until the put's future completes, after which it
 * may reuse its buffers (the client copies what it keeps). A copying {@link #get} returns fresh,
 * independent, writable heap buffers, one per cell.
 *
 * <p><b>Threading.</b> Thread-safe. A future completes on the thread that completed the client's future (or
 * on the caller's thread when no store call is needed); the manager adds only CPU work there (assembling
 * columns, decoding object cells), never blocking.
 *
 * <p><b>Errors.</b> Every failure is a failed future holding a {@link TransferQueueException}: typed
 * errors from the client are kept as they are, any other exception is wrapped in a
 * {@link BackendException}, a missing cell is a {@link DataNotFoundException} naming partition, global
 * index, generation and field. Nothing is ever silently dropped: a client that returns a wrong number of
 * values or backend meta entries, or a null value, fails the operation.
 */
public final class KvStorageManager implements StorageManager {
    /** Cells listed in an error message before "...". */
    private static final int MAX_CELLS_IN_MESSAGE = 8;

    private final String backendName;
    private final KvStorageClient client;
    private final String keyPrefix;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A manager over {@code client}, which it owns from now on (and closes in {@link #close()}).
     *
     * @param backendName the backend's name, for messages (e.g. {@code rocksdb})
     * @param keyPrefix prepended verbatim to every key (a namespace, e.g. {@code tq:job-7:}); may be empty
     */
    public KvStorageManager(String backendName, KvStorageClient client, String keyPrefix) {
        this.backendName = requireNonNull(backendName, "backendName is null");
        this.client = requireNonNull(client, "client is null");
        this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix is null");
    }

    /** The backend name given at construction. */
    public String backendName() {
        return backendName;
    }

    /** The key prefix given at construction. */
    public String keyPrefix() {
        return keyPrefix;
    }

    // ------------------------------------------------------------------ keys

    /** One cell: a row and a field. */
    public record Cell(RowHandle row, String field) {
        public Cell {
            requireNonNull(row, "row is null");
            requireNonNull(field, "field is null");
        }

        @Override
        public String toString() {
            return "partition '" + row.partition() + "' global index " + row.globalIndex() + " generation "
                    + row.generation() + " field '" + field + "'";
        }
    }

    /** The key of ({@code row}, {@code field}) under {@code keyPrefix}. */
    public static String key(String keyPrefix, RowHandle row, String field) {
        requireNonNull(row, "row is null");
        return rowKeyPrefix(requireNonNull(keyPrefix, "keyPrefix is null"), row.partition(), row.globalIndex(),
                row.generation()) + escape(requireNonNull(field, "field is null"));
    }

    /**
     * The cell a key names: the inverse of {@link #key}. Empty if the key does not start with
     * {@code keyPrefix} or is not a key {@link #key} produces.
     */
    public static Optional<Cell> cellOf(String keyPrefix, String key) {
        requireNonNull(keyPrefix, "keyPrefix is null");
        requireNonNull(key, "key is null");
        if (!key.startsWith(keyPrefix)) {
            return Optional.empty();
        }
        String rest = key.substring(keyPrefix.length());
        int a = rest.indexOf('/');
        int b = rest.lastIndexOf('/');
        if (a < 0 || b == a) {
            return Optional.empty();
        }
        String middle = rest.substring(a + 1, b);
        int dot = middle.indexOf('.');
        if (dot <= 0 || dot == middle.length() - 1 || !digits(middle, 0, dot) || !digits(middle, dot + 1, middle.length())) {
            return Optional.empty();
        }
        try {
            Optional<String> partition = unescape(rest.substring(0, a));
            Optional<String> field = unescape(rest.substring(b + 1));
            if (partition.isEmpty() || field.isEmpty()) {
                return Optional.empty();
            }
            Cell cell = new Cell(new RowHandle(partition.get(), Long.parseLong(middle.substring(0, dot)),
                    Integer.parseInt(middle.substring(dot + 1))), field.get());
            // only canonical spellings map back (no leading zeros, upper-case escapes)
            return key(keyPrefix, cell.row(), cell.field()).equals(key) ? Optional.of(cell) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String rowKeyPrefix(String keyPrefix, String partition, long globalIndex, int generation) {
        String p = escape(partition);
        return new StringBuilder(keyPrefix.length() + p.length() + 24).append(keyPrefix).append(p).append('/')
                .append(globalIndex).append('.').append(generation).append('/').toString();
    }

    /** {@code %} → {@code %25}, {@code /} → {@code %2F}; everything else as it is. */
    static String escape(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && s.charAt(i) != '%' && s.charAt(i) != '/') {
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n + 8).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                sb.append("%25");
            } else if (c == '/') {
                sb.append("%2F");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Optional<String> unescape(String s) {
        if (s.indexOf('%') < 0) {
            return Optional.of(s);
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                sb.append(c);
            } else if (s.startsWith("%25", i)) {
                sb.append('%');
                i += 2;
            } else if (s.startsWith("%2F", i)) {
                sb.append('/');
                i += 2;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(sb.toString());
    }

    /**
     * The key prefix of every row ({@code ...<partition>/<gi>.<gen>/}) and, per row, the index of its first
     * occurrence: rows listed twice share one set of keys.
     */
    private RowKeys rowKeys(BatchMeta meta) {
        int n = meta.size();
        String[] prefixes = new String[n];
        int[] first = new int[n];
        Map<String, Integer> seen = new HashMap<>(Math.max(16, n * 2));
        int unique = 0;
        for (int i = 0; i < n; i++) {
            String p = rowKeyPrefix(keyPrefix, meta.partition(i), meta.globalIndex(i), meta.generation(i));
            Integer prev = seen.putIfAbsent(p, i);
            if (prev == null) {
                prefixes[i] = p;
                first[i] = i;
                unique++;
            } else {
                prefixes[i] = prefixes[prev];
                first[i] = prev;
            }
        }
        return new RowKeys(prefixes, first, unique);
    }

    /** @param first for row i, the first row with the same handle (i itself if it is the first) */
    private record RowKeys(String[] prefixes, int[] first, int unique) {
        boolean isFirst(int i) {
            return first[i] == i;
        }
    }

    // ------------------------------------------------------------------ put

    /**
     * Writes every cell of {@code batch} (row i is row i of {@code meta}) with one {@link KvStorageClient#mput}.
     * The result's schema is {@link FieldSchema#of} each column; its backend meta is what the client returned
     * per key, as field → per-row list (fields whose entries are all null are left out).
     *
     * <p>Fails with {@link InvalidRequestException} if the batch and meta sizes differ or the meta lists a
     * row twice (nothing is written), with {@link ClosedException} after {@link #close()}.
     * {@link PutOptions#transferOwnership()} changes nothing here: clients copy what they keep.
     */
    @Override
    public CompletableFuture<PutResult> put(Batch batch, BatchMeta meta, PutOptions options) {
        requireNonNull(batch, "batch is null");
        requireNonNull(meta, "meta is null");
        requireNonNull(options, "options is null");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError("put"));
        }
        try {
            return doPut(batch, meta);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(requestError(e, "put"));
        }
    }

    private CompletableFuture<PutResult> doPut(Batch batch, BatchMeta meta) {
        int n = meta.size();
        if (batch.size() != n) {
            return CompletableFuture.failedFuture(new InvalidRequestException("cannot put a batch of " + batch.size()
                    + " rows for a meta of " + n + " rows into " + backendName
                    + ": row i of the batch is stored as row i of the meta, so the sizes must match"));
        }
        List<String> fields = new ArrayList<>(batch.fieldNames());
        SortedMap<String, FieldSchema> schema = new TreeMap<>();
        for (String f : fields) {
            schema.put(f, FieldSchema.of(batch.column(f)));
        }
        if (n == 0 || fields.isEmpty()) {
            return CompletableFuture.completedFuture(new PutResult(schema, Map.of()));
        }
        RowKeys rows = rowKeys(meta);
        if (rows.unique() != n) {
            for (int i = 0; i < n; i++) {
                if (!rows.isFirst(i)) {
                    return CompletableFuture.failedFuture(new InvalidRequestException("row " + meta.handle(i)
                            + " appears at positions " + rows.first()[i] + " and " + i + " of the meta of a put to "
                            + backendName + "; a put writes each row once"));
                }
            }
        }
        int cells = Math.multiplyExact(n, fields.size());
        List<String> keys = new ArrayList<>(cells);
        List<ByteBuffer> values = new ArrayList<>(cells);
        for (String f : fields) {
            String ef = escape(f);
            Column c = batch.column(f);
            for (int i = 0; i < n; i++) {
                keys.add(rows.prefixes()[i] + ef);
                if (c instanceof DenseColumn d) {
                    values.add(d.rowData(i));
                } else if (c instanceof JaggedColumn j) {
                    values.add(j.rowData(i));
                } else {
                    values.add(ByteBuffer.wrap(ValueCodec.encode(((ObjectColumn) c).value(i))));
                }
            }
        }
        return call("put", keys, () -> client.mput(keys, values),
                perKey -> new PutResult(schema, reshapeBackendMeta(fields, n, keys, perKey)));
    }

    private Map<String, List<Object>> reshapeBackendMeta(List<String> fields, int n, List<String> keys,
            List<Object> perKey) {
        if (perKey == null || perKey.isEmpty()) {
            return Map.of();
        }
        if (perKey.size() != keys.size()) {
            throw new BackendException(backendName + " returned backend meta for " + perKey.size() + " keys from a put of "
                    + keys.size() + " keys; a client returns one entry per key (null where it has none) or none at all");
        }
        Map<String, List<Object>> out = new LinkedHashMap<>();
        for (int fi = 0; fi < fields.size(); fi++) {
            Object[] col = new Object[n];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                int k = fi * n + i;
                Object m = perKey.get(k);
                if (m != null) {
                    try {
                        col[i] = ObjectValues.normalize(m, "backend meta of key '" + keys.get(k) + "'");
                    } catch (IllegalArgumentException e) {
                        throw new BackendException(backendName + " returned backend meta that is not a safe value: "
                                + e.getMessage(), e);
                    }
                    any = true;
                }
            }
            if (any) {
                out.put(fields.get(fi), Collections.unmodifiableList(Arrays.asList(col)));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ get

    /**
     * Reads every field of {@code meta.schema()} for every row, in row order: tensor cells with one
     * {@link KvStorageClient#mgetOwned} into new buffers of the exact size the schema gives, object cells
     * with one {@link KvStorageClient#mget}. Each key's backend meta is {@code meta.backendMeta(field, row)}.
     * A row listed twice is read once and returned at both positions (as independent copies).
     *
     * <p>With {@link ReadOptions#zeroCopy()} the client must declare {@link Capability#ZERO_COPY_READ}: tensor
     * cells are then read with {@code mget} and returned as read-only views of what the client returned.
     * Otherwise the future fails with {@link InvalidRequestException}.
     */
    @Override
    public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
        requireNonNull(meta, "meta is null");
        requireNonNull(options, "options is null");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError("get"));
        }
        try {
            return doGet(meta, options.isZeroCopy());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(requestError(e, "get"));
        }
    }

    private CompletableFuture<Batch> doGet(BatchMeta meta, boolean zeroCopy) {
        if (zeroCopy && !capabilities().contains(Capability.ZERO_COPY_READ)) {
            return CompletableFuture.failedFuture(new InvalidRequestException("storage backend '" + backendName
                    + "' does not declare " + Capability.ZERO_COPY_READ + "; read with ReadOptions.copy()"));
        }
        int n = meta.size();
        SortedMap<String, FieldSchema> schema = meta.schema();
        if (schema.isEmpty()) {
            return CompletableFuture.completedFuture(Batch.ofSize(n));
        }
        RowKeys rows = rowKeys(meta);
        List<String> tensorKeys = new ArrayList<>();
        List<Object> tensorMeta = new ArrayList<>();
        // cell sizes of a copying read, in key order (at most one per row and field)
        int[] sizes = zeroCopy ? null : new int[Math.multiplyExact(n, schema.size())];
        int sized = 0;
        List<String> objectKeys = new ArrayList<>();
        List<Object> objectMeta = new ArrayList<>();
        /* per field: index of the field's first key in its key list; its cells follow in unique-row order */
        Map<String, Integer> firstKey = new HashMap<>();
        for (Map.Entry<String, FieldSchema> e : schema.entrySet()) {
            String field = e.getKey();
            FieldSchema fs = e.getValue();
            String ef = escape(field);
            boolean object = fs.kind() == ColumnKind.OBJECT;
            List<String> keys = object ? objectKeys : tensorKeys;
            List<Object> metas = object ? objectMeta : tensorMeta;
            firstKey.put(field, keys.size());
            for (int i = 0; i < n; i++) {
                if (!rows.isFirst(i)) {
                    if (!object && fs.rowByteSize(i) != fs.rowByteSize(rows.first()[i])) {
                        return CompletableFuture.failedFuture(new InvalidRequestException("row " + meta.handle(i)
                                + " is listed twice with different shapes of field '" + field + "'"));
                    }
                    continue;
                }
                keys.add(rows.prefixes()[i] + ef);
                metas.add(meta.backendMeta(field, i));
                if (!object && !zeroCopy) {
                    sizes[sized++] = fs.rowByteSize(i);
                }
            }
        }
        CompletableFuture<List<ByteBuffer>> tensors;
        if (tensorKeys.isEmpty()) {
            tensors = CompletableFuture.completedFuture(List.of());
        } else if (zeroCopy) {
            tensors = call("get", tensorKeys, () -> client.mget(tensorKeys, tensorMeta),
                    values -> checkValues(tensorKeys, values));
        } else {
            int[] exact = Arrays.copyOf(sizes, sized);
            tensors = call("get", tensorKeys, () -> client.mgetOwned(tensorKeys, tensorMeta, exact),
                    values -> checkSizes(tensorKeys, checkValues(tensorKeys, values), exact));
        }
        CompletableFuture<List<ByteBuffer>> objects = objectKeys.isEmpty()
                ? CompletableFuture.completedFuture(List.of())
                : call("get", objectKeys, () -> client.mget(objectKeys, objectMeta),
                        values -> checkValues(objectKeys, values));
        CompletableFuture<Batch> out = new CompletableFuture<>();
        tensors.whenComplete((tv, te) -> objects.whenComplete((ov, oe) -> {
            if (te != null || oe != null) {
                Throwable first = te != null ? unwrap(te) : unwrap(oe);
                if (te != null && oe != null && unwrap(oe) != first) {
                    first.addSuppressed(unwrap(oe));
                }
                out.completeExceptionally(first);
                return;
            }
            try {
                out.complete(assemble(meta, rows, firstKey, tv, ov, objectKeys, zeroCopy));
            } catch (Throwable t) {
                out.completeExceptionally(toTq(t, "get", List.of()));
            }
        }));
        return out;
    }

    /** The values of a copying read must be writable buffers of exactly the sizes asked for. */
    private List<ByteBuffer> checkSizes(List<String> keys, List<ByteBuffer> values, int[] sizes) {
        for (int i = 0; i < sizes.length; i++) {
            ByteBuffer v = values.get(i);
            if (v.remaining() != sizes[i] || v.isReadOnly()) {
                throw new BackendException(backendName + " returned " + (v.isReadOnly() ? "a read-only buffer" : "a "
                        + "buffer of " + v.remaining() + " bytes") + " for " + describe(keys.get(i))
                        + ", which needs a writable one of " + sizes[i]);
            }
        }
        return values;
    }

    private List<ByteBuffer> checkValues(List<String> keys, List<ByteBuffer> values) {
        if (values == null || values.size() != keys.size()) {
            throw new BackendException(backendName + " returned " + (values == null ? "no list" : values.size() + " values")
                    + " for a read of " + keys.size() + " keys");
        }
        for (int k = 0; k < values.size(); k++) {
            if (values.get(k) == null) {
                throw new BackendException(backendName + " returned null for " + describe(keys.get(k))
                        + "; a client reports a failed key as an error, never as a null value");
            }
        }
        return values;
    }

    private Batch assemble(BatchMeta meta, RowKeys rows, Map<String, Integer> firstKey, List<ByteBuffer> tensors,
            List<ByteBuffer> objects, List<String> objectKeys, boolean zeroCopy) {
        int n = meta.size();
        // position of each row's cell within a field's run of keys
        int[] slot = new int[n];
        int next = 0;
        for (int i = 0; i < n; i++) {
            slot[i] = rows.isFirst(i) ? next++ : slot[rows.first()[i]];
        }
        Batch.Builder b = Batch.builder();
        for (Map.Entry<String, FieldSchema> e : meta.schema().entrySet()) {
            String field = e.getKey();
            FieldSchema fs = e.getValue();
            int base = firstKey.get(field);
            switch (fs.kind()) {
                case OBJECT: {
                    List<Object> values = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        int k = base + slot[i];
                        try {
                            values.add(ValueCodec.decode(objects.get(k)));
                        } catch (WireFormatException ex) {
                            throw new BackendException(backendName + ": the stored value of " + describe(objectKeys.get(k))
                                    + " is not an encoded object value: " + ex.getMessage(), ex);
                        }
                    }
                    b.add(field, ObjectColumn.ofTrusted(values));
                    break;
                }
                case DENSE:
                case JAGGED: {
                    List<ByteBuffer> cells = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        ByteBuffer v = tensors.get(base + slot[i]);
                        if (zeroCopy) {
                            int expected = fs.rowByteSize(i);
                            if (v.remaining() != expected) {
                                throw new BackendException(backendName + ": the stored value of "
                                        + describe(meta.handle(i), field) + " has " + v.remaining()
                                        + " bytes, its schema (" + fs + ") needs " + expected);
                            }
                            cells.add(Buffers.readOnlyView(v));
                        } else {
                            cells.add(rows.isFirst(i) ? v : Buffers.copy(v));
                        }
                    }
                    b.add(field, fs.kind() == ColumnKind.DENSE
                            ? DenseColumn.ofRows(fs.dtype(), fs.rowShape(), cells)
                            : JaggedColumn.ofRows(fs.dtype(), fs.rank(), fs.flatShapes(), cells));
                    break;
                }
                default:
                    throw new AssertionError(fs.kind());
            }
        }
        return b.build();
    }

    // ------------------------------------------------------------------ clear

    /**
     * Deletes the cell of every (row, field) of {@code meta.schema()} with one {@link KvStorageClient#mdelete}.
     * Idempotent: missing cells are not an error, and a meta without fields deletes nothing. Cells of fields
     * the meta does not list are not touched, so to clear whole rows pass every field any of them has (the
     * union, not the intersection); deleting a cell that was never written is harmless.
     */
    @Override
    public CompletableFuture<Void> clear(BatchMeta meta) {
        requireNonNull(meta, "meta is null");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError("clear"));
        }
        try {
            return doClear(meta);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(requestError(e, "clear"));
        }
    }

    private CompletableFuture<Void> doClear(BatchMeta meta) {
        int n = meta.size();
        if (n == 0 || meta.schema().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        RowKeys rows = rowKeys(meta);
        List<String> keys = new ArrayList<>(Math.multiplyExact(rows.unique(), meta.schema().size()));
        List<Object> metas = new ArrayList<>(keys.size());
        for (String field : meta.schema().keySet()) {
            String ef = escape(field);
            for (int i = 0; i < n; i++) {
                if (rows.isFirst(i)) {
                    keys.add(rows.prefixes()[i] + ef);
                    metas.add(meta.backendMeta(field, i));
                }
            }
        }
        return call("clear", keys, () -> client.mdelete(keys, metas), v -> null);
    }

    // ------------------------------------------------------------------ the rest

    /** The client's capabilities ({@link Capability#ZERO_COPY_READ} only if the client declares it). */
    @Override
    public Set<Capability> capabilities() {
        return Set.copyOf(client.capabilities());
    }

    /** {@link StorageStats#UNKNOWN}: a key-value client does not report usage. */
    @Override
    public StorageStats stats() {
        return StorageStats.UNKNOWN;
    }

    /**
     * The client's native handle ({@link KvStorageClient#unwrap}), else this manager if it is of {@code type}.
     *
     * @throws ClosedException after {@link #close()}
     * @throws IllegalArgumentException if neither the client nor this manager has a handle of that type
     */
    @Override
    public <T> T unwrap(Class<T> type) {
        requireNonNull(type, "type is null");
        if (closed.get()) {
            throw closedError("unwrap");
        }
        try {
            return client.unwrap(type);
        } catch (IllegalArgumentException e) {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new IllegalArgumentException("storage backend '" + backendName + "' cannot be unwrapped to "
                    + type.getName() + " (its client is a " + client.getClass().getName() + ")", e);
        }
    }

    /** Closes the client (once). Afterwards put, get, clear and unwrap fail with {@link ClosedException}. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "KvStorageManager(" + backendName + ", " + client.getClass().getSimpleName() + ")";
    }

    // ------------------------------------------------------------------ plumbing

    private ClosedException closedError(String op) {
        return new ClosedException("storage backend '" + backendName + "' is closed; cannot " + op);
    }

    /**
     * Calls the client and maps its result. A synchronous throw, a null future and a failed future all become
     * a failed future holding a {@link TransferQueueException}; a mapping failure too.
     */
    private <R, T> CompletableFuture<T> call(String op, List<String> keys, Supplier<CompletableFuture<R>> request,
            Function<R, T> then) {
        CompletableFuture<R> f;
        try {
            f = request.get();
            if (f == null) {
                throw new BackendException(backendName + " client returned no future for a " + op + " of " + keys.size()
                        + " keys");
            }
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(toTq(t, op, keys));
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((r, e) -> {
            if (e != null) {
                out.completeExceptionally(toTq(e, op, keys));
                return;
            }
            try {
                out.complete(then.apply(r));
            } catch (Throwable t) {
                out.completeExceptionally(toTq(t, op, keys));
            }
        });
        return out;
    }

    private static Throwable unwrap(Throwable t) {
        return io.transferqueue.client.Futures.cause(t);
    }

    private TransferQueueException toTq(Throwable t, String op, List<String> keys) {
        Throwable c = unwrap(t);
        if (c instanceof DataNotFoundException d && op.equals("get")) {
            return notFound(d, keys);
        }
        if (c instanceof TransferQueueException tq) {
            return tq;
        }
        return new BackendException(backendName + ": " + op + " of " + keys.size() + " keys failed: " + c, c);
    }

    /** A failure while building a request from the caller's arguments: bad input is an invalid request. */
    private TransferQueueException requestError(RuntimeException e, String op) {
        if (e instanceof TransferQueueException tq) {
            return tq;
        }
        if (e instanceof IllegalArgumentException || e instanceof IndexOutOfBoundsException
                || e instanceof ArithmeticException || e instanceof IllegalStateException) {
            return new InvalidRequestException("invalid " + op + " request for storage backend '" + backendName + "': "
                    + e.getMessage(), e);
        }
        return new BackendException(backendName + ": " + op + " failed: " + e, e);
    }

    /**
     * Maps the keys a client's not-found error names (the {@link KvStorageClient} contract: its message names
     * the key) back to cells. Linear in the message and the keys: every key has exactly one
     * {@code /<gi>.<gen>/} in it, so each such run in the message is matched against the requested keys of
     * every (head, tail) length there is, keeping the longest match per run.
     */
    private DataNotFoundException notFound(DataNotFoundException e, List<String> keys) {
        String msg = String.valueOf(e.getMessage());
        Set<String> wanted = new HashSet<>(keys);
        if (e instanceof io.transferqueue.error.MissingKeysException mk) {
            List<String> named = new ArrayList<>();
            for (String k : mk.keys()) {
                if (wanted.contains(k)) {
                    named.add(k);
                }
            }
            if (!named.isEmpty()) {
                return describeMissing(named, keys, msg, e);
            }
        }
        Set<Long> lengths = new HashSet<>();
        for (String k : keys) {
            int head = k.indexOf('/', keyPrefix.length());
            int tail = k.length() - k.lastIndexOf('/') - 1;
            lengths.add(((long) head << 32) | tail);
        }
        Set<String> named = new LinkedHashSet<>();
        for (int j = msg.indexOf('/'); j >= 0; j = msg.indexOf('/', j + 1)) {
            int end = middleEnd(msg, j);
            if (end < 0) {
                continue;
            }
            String best = null;
            for (long l : lengths) {
                int from = j - (int) (l >>> 32);
                int to = end + 1 + (int) l;
                if (from >= 0 && to <= msg.length() && (best == null || to - from > best.length())) {
                    String candidate = msg.substring(from, to);
                    if (wanted.contains(candidate)) {
                        best = candidate;
                    }
                }
            }
            if (best != null) {
                named.add(best);
            }
        }
        return describeMissing(new ArrayList<>(named), keys, msg, e);
    }

    private DataNotFoundException describeMissing(List<String> named, List<String> keys, String msg,
            DataNotFoundException e) {
        StringBuilder sb = new StringBuilder(backendName).append(": no data for ");
        if (named.isEmpty()) {
            sb.append("one of the ").append(keys.size()).append(" cells read (");
            appendCells(sb, keys);
            sb.append(")");
        } else {
            appendCells(sb, named);
        }
        sb.append(": never written, cleared, or read with a stale handle (the store said: ").append(msg).append(')');
        return new DataNotFoundException(sb.toString(), e);
    }

    /** If {@code s} has {@code /<digits>.<digits>/} at {@code slash}, the index of the closing slash, else -1. */
    private static int middleEnd(String s, int slash) {
        int i = slash + 1;
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == start || i >= s.length() || s.charAt(i) != '.') {
            return -1;
        }
        start = ++i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > start && i < s.length() && s.charAt(i) == '/' ? i : -1;
    }

    private void appendCells(StringBuilder sb, List<String> keys) {
        int shown = Math.min(keys.size(), MAX_CELLS_IN_MESSAGE);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : "; ").append(describe(keys.get(i)));
        }
        if (keys.size() > shown) {
            sb.append("; ... (").append(keys.size()).append(" cells)");
        }
    }

    private String describe(String key) {
        return cellOf(keyPrefix, key).map(c -> "cell " + c).orElse("key '" + key + "'");
    }

    private static String describe(RowHandle row, String field) {
        return "cell " + new Cell(row, field);
    }
}
