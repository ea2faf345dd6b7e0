package io.transferqueue.cli.demo;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo's stand-ins for the models of a GRPO step: a rollout engine writing n responses per prompt, a reward
 * function and a reference policy. Everything is a pure function of the seed and the prompt (or of the rows read),
 * so a run gives the same bytes whatever the thread interleaving.
 */
final class SyntheticData {
    /** Prompt token ids, the same for the n rows of a group (jagged int32). */
    static final String PROMPTS = "prompts";
    /** Response token ids (jagged int32). */
    static final String RESPONSES = "responses";
    /** Log-probs of the response tokens under the rollout policy (jagged float32). */
    static final String OLD_LOG_PROBS = "old_log_probs";
    /** One reward per response (dense float32, 0-d rows). */
    static final String REWARDS = "rewards";
    /** Log-probs of the response tokens under the reference policy (jagged float32). */
    static final String REF_LOG_PROBS = "ref_log_probs";
    /** Row tag: the prompt a response belongs to. */
    static final String PROMPT_TAG = "prompt";
    /** Row tag: prompt plus response length, what the {@code seqlen-balanced} sampler balances. */
    static final String LENGTH_TAG = "total_lengths";

    /** Elements per row of each extra dense field (float32, 4 KiB a row). */
    static final int EXTRA_WIDTH = 1024;

    static final int VOCAB = 151_936;
    static final int MIN_PROMPT = 16;
    static final int MAX_PROMPT = 256;
    static final int MIN_RESPONSE = 32;
    static final int MAX_RESPONSE = 2048;
    /**
     * About the bytes of a row without extra fields: prompt ids (136 tokens on average) and three per-token fields
     * over responses of 536 tokens on average, 4 bytes each.
     */
    static final int AVERAGE_ROW_BYTES = 4 * ((MIN_PROMPT + MAX_PROMPT) / 2 + 3 * (MIN_RESPONSE + (MAX_RESPONSE
            - MIN_RESPONSE) / 4)) + 4;

    private final long seed;
    private final int n;
    private final List<String> extraFields;

    SyntheticData(long seed, int n, int extraFields) {
        this.seed = seed;
        this.n = n;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < extraFields; i++) {
            names.add(extraName(i));
        }
        this.extraFields = List.copyOf(names);
    }

    static String extraName(int i) {
        return "extra_" + i;
    }

    /** Fields a rollout writes. */
    List<String> rolloutFields() {
        List<String> f = new ArrayList<>(List.of(PROMPTS, RESPONSES, OLD_LOG_PROBS));
        f.addAll(extraFields);
        return f;
    }

    /** Fields a trainer reads: everything the step produced. */
    List<String> trainFields() {
        List<String> f = new ArrayList<>(List.of(PROMPTS, RESPONSES, OLD_LOG_PROBS, REWARDS, REF_LOG_PROBS));
        f.addAll(extraFields);
        return f;
    }

    /** A prompt's group: n responses as n rows, and one tag map per row. */
    Group rollout(int prompt) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + prompt);
        int promptLen = MIN_PROMPT + rnd.nextInt(MAX_PROMPT - MIN_PROMPT + 1);
        int[] promptIds = new int[promptLen];
        for (int i = 0; i < promptLen; i++) {
            promptIds[i] = rnd.nextInt(VOCAB);
        }
        int[] lengths = new int[n];
        int total = 0;
        for (int r = 0; r < n; r++) {
            // long-tailed like real rollouts: most responses short, a few near the limit
            double u = rnd.nextDouble();
            lengths[r] = MIN_RESPONSE + (int) ((MAX_RESPONSE - MIN_RESPONSE) * u * u * u);
            total += lengths[r];
        }
        ByteBuffer prompts = Buffers.allocate(promptLen * 4 * n);
        IntBuffer pv = prompts.asIntBuffer();
        for (int r = 0; r < n; r++) {
            pv.put(promptIds);
        }
        ByteBuffer tokens = Buffers.allocate(total * 4);
        ByteBuffer logProbs = Buffers.allocate(total * 4);
        IntBuffer tv = tokens.asIntBuffer();
        FloatBuffer lv = logProbs.asFloatBuffer();
        for (int k = 0; k < total; k++) {
            tv.put(rnd.nextInt(VOCAB));
            lv.put((float) -(rnd.nextDouble() * 6.0));
        }
        int[][] promptShapes = new int[n][];
        int[][] responseShapes = new int[n][];
        List<Map<String, Object>> tags = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            promptShapes[r] = new int[] {promptLen};
            responseShapes[r] = new int[] {lengths[r]};
            tags.add(Map.of(PROMPT_TAG, (long) prompt, LENGTH_TAG, (long) (promptLen + lengths[r])));
        }
        Batch.Builder b = Batch.builder()
                .add(PROMPTS, JaggedColumn.wrap(DType.INT32, promptShapes, prompts))
                .add(RESPONSES, JaggedColumn.wrap(DType.INT32, responseShapes, tokens))
                .add(OLD_LOG_PROBS, JaggedColumn.wrap(DType.FLOAT32, responseShapes, logProbs));
        for (String f : extraFields) {
            ByteBuffer extra = Buffers.allocate(n * EXTRA_WIDTH * 4);
            FloatBuffer ev = extra.asFloatBuffer();
            for (int k = 0; k < n * EXTRA_WIDTH; k++) {
                ev.put((float) rnd.nextGaussian());
            }
            b.add(f, DenseColumn.wrap(DType.FLOAT32, n, new int[] {EXTRA_WIDTH}, extra));
        }
        return new Group(b.build(), tags);
    }

    /** Rewards of the rows of {@code responses}: a stand-in verifier, the share of even token ids. */
    static Batch rewards(Column responses) {
        int rows = responses.size();
        ByteBuffer out = Buffers.allocate(rows * 4);
        for (int i = 0; i < rows; i++) {
            ByteBuffer t = Checksums.rowBytes(responses, i);
            int count = t.remaining() / 4;
            int even = 0;
            for (int k = 0; k < count; k++) {
                if ((t.getInt(t.position() + 4 * k) & 1) == 0) {
                    even++;
                }
            }
            out.putFloat(4 * i, count == 0 ? 0f : even / (float) count);
        }
        return Batch.builder().add(REWARDS, DenseColumn.wrap(DType.FLOAT32, rows, new int[0], out)).build();
    }

    /** Reference log-probs: the rollout's log-probs shifted by a position-dependent amount (a stand-in KL). */
    static Batch referenceLogProbs(Column oldLogProbs) {
        int rows = oldLogProbs.size();
        int[][] shapes = new int[rows][];
        int total = 0;
        for (int i = 0; i < rows; i++) {
            int len = Checksums.rowBytes(oldLogProbs, i).remaining() / 4;
            shapes[i] = new int[] {len};
            total += len;
        }
        ByteBuffer out = Buffers.allocate(total * 4);
        int at = 0;
        for (int i = 0; i < rows; i++) {
            ByteBuffer src = Checksums.rowBytes(oldLogProbs, i);
            for (int k = 0; k < shapes[i][0]; k++) {
                out.putFloat(at, src.getFloat(src.position() + 4 * k) - 0.01f * (k % 7));
                at += 4;
            }
        }
        return Batch.builder().add(REF_LOG_PROBS, JaggedColumn.wrap(DType.FLOAT32, shapes, out)).build();
    }

    /**
     * One row of {@code column} with its first byte flipped: the same shape and dtype, other content. Object columns
     * are not supported (the demo writes none).
     */
    static Batch alteredRow(String field, Column column, int row) {
        ByteBuffer bytes = Buffers.copy(Checksums.rowBytes(column, row));
        bytes.put(0, (byte) (bytes.get(0) ^ 0x5A));
        Column one;
        if (column instanceof JaggedColumn j) {
            one = JaggedColumn.wrap(j.dtype(), new int[][] {j.rowShape(row)}, bytes);
        } else if (column instanceof DenseColumn d) {
            one = DenseColumn.wrap(d.dtype(), 1, d.rowShape(), bytes);
        } else {
            throw new IllegalArgumentException("cannot alter object column '" + field + "'");
        }
        return Batch.builder().add(field, one).build();
    }

    /** The responses of one prompt, as written by a rollout. */
    record Group(Batch batch, List<Map<String, Object>> tags) {
    }
}
