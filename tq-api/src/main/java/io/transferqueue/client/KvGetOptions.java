package io.transferqueue.client;

import java.util.List;

/**
 * How {@link TransferQueueClient#kvBatchGet} treats missing keys and uneven fields.
 *
 * @param fields fields to read; null for every field the keys have
 * @param skipMissing leave out keys that do not exist (reported in {@link KvData#missing()}) instead of
 *     failing with {@link io.transferqueue.error.DataNotFoundException}
 * @param commonFieldsOnly read only the fields every key has, instead of failing on a field some key lacks
 */
public record KvGetOptions(List<String> fields, boolean skipMissing, boolean commonFieldsOnly) {
    private static final KvGetOptions STRICT = new KvGetOptions(null, false, false);

    public KvGetOptions {
        fields = fields == null ? null : List.copyOf(fields);
    }

    /** Every field, every key must exist and have every field. */
    public static KvGetOptions strict() {
        return STRICT;
    }

    /** Only these fields. */
    public static KvGetOptions fields(List<String> names) {
        return new KvGetOptions(names, false, false);
    }

    public KvGetOptions withSkipMissing() {
        return new KvGetOptions(fields, true, commonFieldsOnly);
    }

    public KvGetOptions withCommonFieldsOnly() {
        return new KvGetOptions(fields, skipMissing, true);
    }
}
