package io.transferqueue.client;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.spi.SamplingParams;
import io.transferqueue.wire.WireLimits;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A metadata request. Build with {@link #insert}, {@link #fetch} or {@link #forceFetch} and refine with the
 * {@code with*} methods.
 *
 * <p>A request is checked when it is built, here and when the controller decodes one from the network: a
 * negative wait, a batch size that is not positive or above {@link #MAX_BATCH_SIZE}, or more than
 * {@link #MAX_FIELDS} distinct fields fail with {@link InvalidRequestException}. Repeated field names count
 * once (the first occurrence keeps its place); a wait above {@link #MAX_WAIT} is shortened to it.
 *
 * @param partition the partition
 * @param mode what to do
 * @param fields fields the rows must have produced (FETCH), or to describe (FORCE_FETCH; empty: all); without
 *     repeats
 * @param batchSize rows to allocate (INSERT) or to fetch (FETCH), at most {@link #MAX_BATCH_SIZE}
 * @param task the consuming task (FETCH)
 * @param sampler sampler name, or null for the configured one (FETCH)
 * @param sampling sampling parameters (FETCH)
 * @param maxWait how long a FETCH may wait for enough rows; zero answers at once (empty if not enough); at most
 *     {@link #MAX_WAIT}
 */
public record GetMetaRequest(String partition, FetchMode mode, List<String> fields, int batchSize, String task,
        String sampler, SamplingParams sampling, Duration maxWait) {

    /**
     * Extra-info key set to {@code true} on an empty FETCH answer when the partition is complete and no
     * more rows can become ready for the request: the end of the stream, not "try again".
     */
    public static final String EXHAUSTED = "tq.exhausted";

    /**
     * Extra-info key set to {@code true} on an empty FETCH answer that is final for its batch index: the
     * sampler split a (last, small) batch across data-parallel ranks and this rank's share is empty. A
     * streaming consumer moves on to the next batch index.
     */
    public static final String EMPTY_SHARE = "tq.empty-share";

    /**
     * Most rows one INSERT allocates or one FETCH asks for: the largest batch a message may describe
     * ({@link WireLimits#DEFAULT}{@code .maxRows()}, 2^26), so every answer can be sent.
     */
    public static final int MAX_BATCH_SIZE = WireLimits.DEFAULT.maxRows();

    /** Most distinct field names one request may name. */
    public static final int MAX_FIELDS = 4096;

    /** Longest wait of a FETCH; a longer one (e.g. {@code Duration.ofMillis(Long.MAX_VALUE)}) waits this long. */
    public static final Duration MAX_WAIT = Duration.ofDays(365);

    public GetMetaRequest {
        requireNonNull(partition, "partition is null");
        requireNonNull(mode, "mode is null");
        fields = fields == null ? List.of() : distinctFields(fields);
        sampling = sampling == null ? SamplingParams.none() : sampling;
        maxWait = maxWait == null ? Duration.ZERO : maxWait;
        if (maxWait.isNegative()) {
            throw new InvalidRequestException("negative wait " + maxWait);
        }
        if (maxWait.compareTo(MAX_WAIT) > 0) {
            maxWait = MAX_WAIT;
        }
        if ((mode == FetchMode.INSERT || mode == FetchMode.FETCH) && (batchSize <= 0 || batchSize > MAX_BATCH_SIZE)) {
            throw new InvalidRequestException(mode + " needs a batch size from 1 to " + MAX_BATCH_SIZE + ", got "
                    + batchSize);
        }
    }

    /**
     * Field names without repeats, in first-seen order, as every request that names fields takes them.
     *
     * @throws InvalidRequestException for a null name or more than {@link #MAX_FIELDS} distinct names
     */
    public static List<String> distinctFields(List<String> fields) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String f : fields) {
            if (f == null) {
                throw new InvalidRequestException("null field name");
            }
            if (seen.add(f) && seen.size() > MAX_FIELDS) {
                throw new InvalidRequestException("a request may name at most " + MAX_FIELDS + " distinct fields, got "
                        + "more in a list of " + fields.size());
            }
        }
        return seen.size() == fields.size() ? List.copyOf(fields) : List.copyOf(seen);
    }

    /** Allocate {@code count} rows in {@code partition}. */
    public static GetMetaRequest insert(String partition, int count) {
        return new GetMetaRequest(partition, FetchMode.INSERT, List.of(), count, null, null, null, null);
    }

    /** Fetch {@code batchSize} rows that have {@code fields} and that {@code task} has not consumed. */
    public static GetMetaRequest fetch(String partition, String task, List<String> fields, int batchSize) {
        return new GetMetaRequest(partition, FetchMode.FETCH, fields, batchSize, task, null, null, null);
    }

    /** Describe every row of {@code partition} with {@code fields} (empty: every field). */
    public static GetMetaRequest forceFetch(String partition, List<String> fields) {
        return new GetMetaRequest(partition, FetchMode.FORCE_FETCH, fields, 0, null, null, null, null);
    }

    /** This request waiting up to {@code d} for data. */
    public GetMetaRequest withWait(Duration d) {
        return new GetMetaRequest(partition, mode, fields, batchSize, task, sampler, sampling, d);
    }

    /** This request through sampler {@code name}. */
    public GetMetaRequest withSampler(String name) {
        return new GetMetaRequest(partition, mode, fields, batchSize, task, name, sampling, maxWait);
    }

    /** This request with sampling parameters. */
    public GetMetaRequest withSampling(SamplingParams params) {
        return new GetMetaRequest(partition, mode, fields, batchSize, task, sampler, params, maxWait);
    }
}
