package io.transferqueue.loader;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.TransferQueueException;
import io.transferqueue.meta.BatchMeta;

/**
 * A {@link StreamingDataLoader} fetched a batch (so its rows are marked consumed for the loader's task) but could
 * not read the rows' data, after its retries for a transient failure. The rows are not lost: the loader keeps them
 * and reads them again before anything else on the next {@code hasNext()}, and {@link #rows()} names them, so a
 * caller that gives up can still read them with {@code client.get(e.rows())} once storage is back.
 *
 * <p>The cause is the error of the last read, typed ({@code BackendUnavailableException},
 * {@code DeadlineExceededException}, {@code DataNotFoundException}, ...), and {@link #code()} is its code.
 */
public final class UnreadRowsException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    private final transient BatchMeta rows;
    private final int batchIndex;

    UnreadRowsException(String message, BatchMeta rows, int batchIndex, RuntimeException cause) {
        super(message, requireNonNull(cause, "cause is null"));
        this.rows = requireNonNull(rows, "rows is null");
        this.batchIndex = batchIndex;
    }

    /** The rows fetched and not delivered: the whole batch, with the loader's fields. */
    public BatchMeta rows() {
        return rows;
    }

    /** The loader's index of the batch the rows belong to. */
    public int batchIndex() {
        return batchIndex;
    }

    /** The code of the read failure ({@code INTERNAL} if it was not a {@link TransferQueueException}). */
    @Override
    public String code() {
        return getCause() instanceof TransferQueueException e ? e.code() : super.code();
    }
}
