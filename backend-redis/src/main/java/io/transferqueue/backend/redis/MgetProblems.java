package io.transferqueue.backend.redis;

import io.transferqueue.error.BackendException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.TransferQueueException;
import java.util.ArrayList;
import java.util.List;

/**
 * What went wrong per key in the replies of one read: keys Redis had no value for, values of the wrong size,
 * replies with more values than keys. Thread-safe (commands of one read may answer on different I/O threads in
 * cluster mode). A read with any problem fails as a whole: a missing key is never returned as null or empty bytes.
 */
final class MgetProblems {
    /** Keys named in a message before "...". */
    private static final int MAX_KEYS_IN_MESSAGE = 16;

    private final List<Integer> missing = new ArrayList<>();
    private final List<String> wrongSizes = new ArrayList<>();
    private int missingCount;
    private int wrongSizeCount;
    private boolean extra;

    synchronized void missing(int index) {
        missingCount++;
        if (missing.size() < MAX_KEYS_IN_MESSAGE) {
            missing.add(index);
        }
    }

    synchronized void wrongSize(int index, int actual, int expected) {
        wrongSizeCount++;
        if (wrongSizes.size() < MAX_KEYS_IN_MESSAGE) {
            wrongSizes.add(index + ":" + actual + ":" + expected);
        }
    }

    synchronized void extraValues() {
        extra = true;
    }

    /** The error for these problems, or null if there were none. */
    synchronized TransferQueueException toError(List<String> keys, String where) {
        if (missingCount > 0) {
            StringBuilder sb = new StringBuilder("redis at ").append(where).append(" has no value for ");
            sb.append(missingCount == 1 ? "key " : missingCount + " of the " + keys.size() + " keys read: ");
            for (int k = 0; k < missing.size(); k++) {
                sb.append(k == 0 ? "" : ", ").append('\'').append(keys.get(missing.get(k))).append('\'');
            }
            if (missingCount > missing.size()) {
                sb.append(", ...");
            }
            sb.append(" (never written, cleared, or expired)");
            List<String> named = new java.util.ArrayList<>(missing.size());
            for (int index : missing) {
                named.add(keys.get(index));
            }
            return new io.transferqueue.error.MissingKeysException(named, sb.toString());
        }
        if (wrongSizeCount > 0) {
            StringBuilder sb = new StringBuilder("redis at ").append(where).append(" holds values of the wrong size: ");
            for (int k = 0; k < wrongSizes.size(); k++) {
                String[] p = wrongSizes.get(k).split(":");
                sb.append(k == 0 ? "" : "; ").append("key '").append(keys.get(Integer.parseInt(p[0]))).append("' has ")
                        .append(p[1]).append(" bytes, expected ").append(p[2]);
            }
            if (wrongSizeCount > wrongSizes.size()) {
                sb.append("; ... (").append(wrongSizeCount).append(" keys)");
            }
            return new BackendException(sb.toString());
        }
        if (extra) {
            return new BackendException("redis at " + where + " answered a read of " + keys.size()
                    + " keys with more values than keys");
        }
        return null;
    }
}
