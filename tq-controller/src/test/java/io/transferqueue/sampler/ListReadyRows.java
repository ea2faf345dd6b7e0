package io.transferqueue.sampler;

import io.transferqueue.spi.ReadyRows;
import java.util.Map;

/** Ready rows given as a list of ids (row id = global index) with optional length tags. */
final class ListReadyRows implements ReadyRows {
    private final long[] ids;
    private final Map<Long, Long> lengths;

    ListReadyRows(long... ids) {
        this(Map.of(), ids);
    }

    ListReadyRows(Map<Long, Long> lengths, long... ids) {
        this.ids = ids;
        this.lengths = lengths;
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public long rowId(int i) {
        return ids[i];
    }

    @Override
    public long globalIndex(int i) {
        return ids[i];
    }

    @Override
    public Object tag(int i, String key) {
        return SeqlenBalancedSampler.LENGTH_TAG.equals(key) ? lengths.get(ids[i]) : null;
    }

    @Override
    public int elementCount(int i, String field) {
        return -1;
    }
}
