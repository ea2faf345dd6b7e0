package io.transferqueue.backend.simple;

import io.transferqueue.client.Futures;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.TransferQueueException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Turns failures into the typed errors of the SPI and joins the per-unit futures of one request. */
final class Failures {
    private Failures() {
    }

    /** The typed error for any throwable (unwrapping completion wrappers). */
    static TransferQueueException translate(Throwable failure) {
        Throwable t = Futures.cause(failure);
        if (t instanceof TransferQueueException e) {
            return e;
        }
        if (t instanceof IllegalArgumentException || t instanceof IndexOutOfBoundsException) {
            return new InvalidRequestException(t.getMessage(), t);
        }
        if (t instanceof RejectedExecutionException) {
            return new ClosedException("simple storage is closed", t);
        }
        if (t instanceof OutOfMemoryError) {
            return new BackendException("simple storage ran out of heap memory (" + t.getMessage() + "); raise -Xmx "
                    + "or set tq.storage.simple.capacity-bytes so puts wait or fail before the heap is full", t);
        }
        return new BackendException("simple storage failed: " + t, t);
    }

    /** A future failed with the typed error of {@code t}. */
    static <T> CompletableFuture<T> failed(Throwable t) {
        return CompletableFuture.failedFuture(translate(t));
    }

    /**
     * A future that completes once every part has completed: with {@code result} if all succeeded, else with
     * the first typed error (later ones attached as suppressed). It never completes while a part still runs,
     * so a caller that sees it complete knows no unit touches its buffers any more. Completes on the thread
     * that completes the last part.
     */
    static <T> CompletableFuture<T> whenAll(List<CompletableFuture<Void>> parts, Supplier<T> result) {
        CompletableFuture<T> out = new CompletableFuture<>();
        if (parts.isEmpty()) {
            try {
                out.complete(result.get());
            } catch (RuntimeException | Error e) {
                out.completeExceptionally(translate(e));
            }
            return out;
        }
        AtomicInteger remaining = new AtomicInteger(parts.size());
        AtomicReference<TransferQueueException> first = new AtomicReference<>();
        for (CompletableFuture<Void> p : parts) {
            p.whenComplete((v, e) -> {
                if (e != null) {
                    TransferQueueException te = translate(e);
                    if (!first.compareAndSet(null, te) && first.get() != te) {
                        first.get().addSuppressed(te);
                    }
                }
                if (remaining.decrementAndGet() == 0) {
                    TransferQueueException f = first.get();
                    if (f != null) {
                        out.completeExceptionally(f);
                        return;
                    }
                    try {
                        out.complete(result.get());
                    } catch (RuntimeException | Error x) {
                        out.completeExceptionally(translate(x));
                    }
                }
            });
        }
        return out;
    }
}
