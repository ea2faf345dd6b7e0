package io.transferqueue.client;

import io.transferqueue.error.DeadlineExceededException;
import io.transferqueue.error.TransferQueueException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for futures the way the synchronous API does: with a deadline, throwing the typed cause. */
public final class Futures {
    private Futures() {
    }

    /**
     * Waits for {@code f} up to {@code timeout}.
     *
     * @param what names the operation in messages
     * @throws DeadlineExceededException if the future is not done in time (it is then cancelled)
     * @throws RuntimeException the future's own failure, unwrapped from {@link CompletionException}
     */
    public static <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
        return await(f, timeout, what, "");
    }

    /**
     * {@link #await(CompletableFuture, Duration, String)}, naming where the deadline comes from in the message of
     * this wait's own timeout only (a {@link DeadlineExceededException} the future fails with passes unchanged).
     *
     * @param deadlineSource appended to the timeout message, e.g. {@code " (tq.client.timeout)"}
     */
    public static <T> T await(CompletableFuture<T> f, Duration timeout, String what, String deadlineSource) {
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new DeadlineExceededException(what + " did not complete within " + timeout + deadlineSource);
        } catch (CancellationException e) {
            throw new TransferQueueException(what + " was cancelled", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferQueueException(what + " was interrupted", e);
        }
    }

    /** The failure inside {@link CompletionException}/{@link ExecutionException} wrappers, as it is. */
    public static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The typed failure inside {@link CompletionException}/{@link ExecutionException} wrappers. */
    public static RuntimeException unwrap(Throwable failure) {
        Throwable t = cause(failure);
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new TransferQueueException(String.valueOf(t), t);
    }
}
