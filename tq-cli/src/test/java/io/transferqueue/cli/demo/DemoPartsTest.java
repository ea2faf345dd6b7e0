package io.transferqueue.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.meta.BatchMeta;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo's pieces: synthetic data, batch sizes, the ledger, the balance figure, the Redis probe. */
class DemoPartsTest {

    @Test
    void syntheticDataDependsOnlyOnSeedAndPrompt() {
        SyntheticData a = new SyntheticData(7, 4, 2);
        SyntheticData b = new SyntheticData(7, 4, 2);
        SyntheticData other = new SyntheticData(8, 4, 2);

        assertThat(a.rollout(3).batch()).isEqualTo(b.rollout(3).batch());
        assertThat(a.rollout(3).batch()).isNotEqualTo(a.rollout(4).batch());
        assertThat(a.rollout(3).batch()).isNotEqualTo(other.rollout(3).batch());
    }

    @Test
    void aGroupHasNRowsWithLengthTagsMatchingItsTokens() {
        SyntheticData d = new SyntheticData(1, 5, 1);
        SyntheticData.Group g = d.rollout(0);

        assertThat(g.batch().size()).isEqualTo(5);
        assertThat(g.batch().fieldNames()).containsExactlyElementsOf(d.rolloutFields());
        JaggedColumn responses = (JaggedColumn) g.batch().column(SyntheticData.RESPONSES);
        JaggedColumn prompts = (JaggedColumn) g.batch().column(SyntheticData.PROMPTS);
        for (int i = 0; i < 5; i++) {
            int len = responses.rowShape(i)[0];
            assertThat(len).isBetween(SyntheticData.MIN_RESPONSE, SyntheticData.MAX_RESPONSE);
            assertThat(prompts.rowShape(i)).isEqualTo(prompts.rowShape(0));
            assertThat(g.tags().get(i)).containsEntry(SyntheticData.PROMPT_TAG, 0L)
                    .containsEntry(SyntheticData.LENGTH_TAG, (long) (prompts.rowShape(i)[0] + len));
            assertThat(((JaggedColumn) g.batch().column(SyntheticData.OLD_LOG_PROBS)).rowShape(i)).containsExactly(len);
        }
    }

    @Test
    void rewardsAndReferenceHaveOneValuePerRowAndToken() {
        Batch rollout = new SyntheticData(3, 4, 0).rollout(1).batch();

        Batch rewards = SyntheticData.rewards(rollout.column(SyntheticData.RESPONSES));
        Batch ref = SyntheticData.referenceLogProbs(rollout.column(SyntheticData.OLD_LOG_PROBS));

        assertThat(rewards.size()).isEqualTo(4);
        assertThat(ref.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(((JaggedColumn) ref.column(SyntheticData.REF_LOG_PROBS)).rowShape(i))
                    .isEqualTo(((JaggedColumn) rollout.column(SyntheticData.RESPONSES)).rowShape(i));
        }
    }

    @Test
    void anAlteredRowKeepsItsShapeAndChangesItsChecksum() {
        Batch rollout = new SyntheticData(3, 4, 0).rollout(1).batch();
        JaggedColumn responses = (JaggedColumn) rollout.column(SyntheticData.RESPONSES);

        Batch altered = SyntheticData.alteredRow(SyntheticData.RESPONSES, responses, 2);

        JaggedColumn one = (JaggedColumn) altered.column(SyntheticData.RESPONSES);
        assertThat(one.rowShape(0)).isEqualTo(responses.rowShape(2));
        assertThat(Checksums.of(one, 0)).isNotEqualTo(Checksums.of(responses, 2));
        // the source is not touched
        assertThat(Checksums.of(responses, 2)).isEqualTo(Checksums.of(
                new SyntheticData(3, 4, 0).rollout(1).batch().column(SyntheticData.RESPONSES), 2));
    }

    @ParameterizedTest
    @CsvSource({"8, 1", "8, 4", "64, 4", "72, 4", "512, 4", "40, 1", "48, 2", "1000000, 4", "96, 16", "254, 127",
        "4096, 64"})
    void batchSizesAreWholeGroupsAndProducerBatchesDivideTheRows(int rows, int n) {
        DemoSettings s = new DemoSettings(TqConfig.defaults(), "simple", rows, n, 0, 1, DemoCommand.SEQLEN_BALANCED,
                false, -1, Duration.ofSeconds(1));

        assertThat(s.trainBatch() % n).isZero();
        assertThat(s.trainBatch()).isPositive();
        assertThat(s.microBatch()).isBetween(1, s.trainBatch());
        assertThat(s.producerBatch() % n).isZero();
        assertThat(rows % s.producerBatch()).isZero();
        // whatever is left for the last step still gives each rank at least one row
        int tail = rows % (DemoSettings.RANKS * s.trainBatch());
        assertThat(tail == 0 || tail >= DemoSettings.RANKS).isTrue();
    }

    @Test
    void theLedgerMatchesWhatWasWrittenWithWhatWasReceived() {
        Ledger l = new Ledger();
        SyntheticData d = new SyntheticData(1, 2, 0);
        l.producer("rollout", d.rolloutFields());
        Batch b = d.rollout(0).batch();
        BatchMeta rows = meta(10, 11);

        l.wrote(rows, b, true);
        l.received("train", "train rank 0", rows, b);
        l.settle();

        assertThat(l.mismatchCount()).isZero();
        assertThat(l.cellsChecked()).isEqualTo(2L * d.rolloutFields().size());
        assertThat(l.checkTask("train").ok()).isTrue();
    }

    @Test
    void theLedgerNamesACellThatDiffers() {
        Ledger l = new Ledger();
        SyntheticData d = new SyntheticData(1, 2, 0);
        l.producer("rollout", d.rolloutFields());
        Batch b = d.rollout(0).batch();
        BatchMeta rows = meta(10, 11);
        l.wrote(rows, b, true);
        Batch altered = SyntheticData.alteredRow(SyntheticData.RESPONSES, b.column(SyntheticData.RESPONSES), 1);

        l.received("train", "train rank 1", rows.selectRows(1), altered);
        l.settle();

        assertThat(l.mismatchCount()).isEqualTo(1);
        assertThat(l.mismatches()).singleElement().satisfies(m -> assertThat(m.describe())
                .startsWith("row 11 field 'responses': train rank 1 received crc32c ")
                .contains("rollout wrote"));
    }

    @Test
    void aCellReceivedBeforeItsRecordIsComparedAtTheEnd() {
        Ledger l = new Ledger();
        SyntheticData d = new SyntheticData(1, 2, 0);
        l.producer("rollout", d.rolloutFields());
        Batch b = d.rollout(0).batch();
        BatchMeta rows = meta(0, 1);

        l.received("reward", "reward", rows, b);
        l.wrote(rows, b, true);
        assertThat(l.cellsChecked()).isZero();
        l.settle();

        assertThat(l.mismatchCount()).isZero();
        assertThat(l.cellsChecked()).isEqualTo(2L * d.rolloutFields().size());
    }

    @Test
    void aCellNobodyWroteIsAMismatch() {
        Ledger l = new Ledger();
        SyntheticData d = new SyntheticData(1, 2, 0);
        l.producer("rollout", d.rolloutFields());

        l.received("train", "train rank 0", meta(3, 4), d.rollout(0).batch().select(SyntheticData.RESPONSES));
        l.settle();

        assertThat(l.mismatchCount()).isEqualTo(2);
        assertThat(l.mismatches().get(0).describe()).contains("no producer wrote this cell");
    }

    @Test
    void theTaskCheckFindsMissingRepeatedAndUnknownRows() {
        Ledger l = new Ledger();
        SyntheticData d = new SyntheticData(1, 2, 0);
        l.producer("rollout", d.rolloutFields());
        l.wrote(meta(0, 1), d.rollout(0).batch(), true);
        l.wrote(meta(2, 3), d.rollout(1).batch(), true);
        Batch none = Batch.ofSize(2);

        l.received("train", "train rank 0", meta(0, 1), none);
        l.received("train", "train rank 1", meta(1, 9), none);

        Ledger.TaskCheck c = l.checkTask("train");
        assertThat(c.ok()).isFalse();
        assertThat(c.missing()).containsExactly(2L, 3L);
        assertThat(c.repeated()).containsExactly(1L);
        assertThat(c.unknown()).containsExactly(9L);
    }

    @Test
    void imbalanceIsTheBusiestRankOverTheMean() {
        assertThat(Report.imbalance(new long[] {100, 100})).isZero();
        assertThat(Report.imbalance(new long[] {150, 50})).isCloseTo(0.5, within(1e-9));
        assertThat(Report.imbalance(new long[] {0, 80})).isCloseTo(1.0, within(1e-9));
        assertThat(Report.imbalance(new long[] {0, 0})).isZero();
    }

    @Test
    void bytesPrintInBinaryUnits() {
        assertThat(Report.bytes(512)).isEqualTo("512 B");
        assertThat(Report.bytes(2048)).isEqualTo("2.0 KiB");
        assertThat(Report.bytes(5L << 30)).isEqualTo("5.0 GiB");
    }

    @Test
    void theRedisProbeSaysWhyNothingAnswers() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(RedisProbe.problem("redis://127.0.0.1:" + port, Duration.ofSeconds(2))).isNotNull()
                .contains("ConnectException");
        assertThat(RedisProbe.problem("redis://", Duration.ofSeconds(1))).isNotNull();
    }

    @Test
    void theRedisProbeAcceptsAServerThatAnswersPing() throws Exception {
        assertThat(answering("+PONG\r\n")).isNull();
        assertThat(answering("-NOAUTH Authentication required.\r\n")).isNull();
        assertThat(answering("HTTP/1.1 400 Bad Request\r\n")).contains("not Redis");
    }

    /** The probe's verdict on a one-shot server that answers {@code reply} to whatever it reads. */
    private static String answering(String reply) throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                try (Socket c = server.accept()) {
                    InputStream in = c.getInputStream();
                    byte[] buf = new byte[64];
                    in.read(buf);
                    OutputStream o = c.getOutputStream();
                    o.write(reply.getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                } catch (IOException ignored) {
                    // the probe decides
                }
            }, "fake-redis");
            t.setDaemon(true);
            t.start();
            String problem = RedisProbe.problem("redis://127.0.0.1:" + server.getLocalPort(), Duration.ofSeconds(5));
            t.join(5000);
            return problem;
        }
    }

    private static BatchMeta meta(long... rows) {
        int[] gens = new int[rows.length];
        return BatchMeta.builder().rows("p", rows, gens).build();
    }
}
