package io.transferqueue.backend.simple;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowTableTest {
    private static StoredRow row(int gen) {
        return new StoredRow(gen, new RowLayout(new String[0], new io.transferqueue.data.DType[0], new int[0][]),
                new Object[0]);
    }

    @ParameterizedTest(name = "stride {0}")
    @ValueSource(ints = {1, 2, 3, 8})
    void behavesLikeAMapThroughGrowthDeletesAndReinserts(int stride) {
        long seed = 71L * stride;
        Random rnd = new Random(seed);
        RowTable table = new RowTable(stride);
        String[] partitions = {"p", "q", new String("p".toCharArray()) + "2", "train/step-7"};
        Map<String, StoredRow> model = new HashMap<>();
        for (int op = 0; op < 50_000; op++) {
            // mostly dense indexes of this unit, some far apart (strided by powers of two); several partitions
            long gi = rnd.nextInt(4) == 0 ? (long) rnd.nextInt(64) << (10 + rnd.nextInt(20))
                    : (long) rnd.nextInt(3000) * stride;
            // equal partition names need not be the same String instance
            String p = new String(partitions[rnd.nextInt(partitions.length)].toCharArray());
            if (rnd.nextInt(3) == 0) {
                table.remove(p, gi);
                model.remove(p + "@" + gi);
            } else {
                StoredRow r = row(op);
                table.put(p, gi, r);
                model.put(p + "@" + gi, r);
            }
            if (op % 997 == 0) {
                for (Map.Entry<String, StoredRow> e : model.entrySet()) {
                    String[] key = e.getKey().split("@");
                    assertThat(table.get(key[0], Long.parseLong(key[1]))).as("seed %d op %d key %s", seed, op,
                            e.getKey()).isSameAs(e.getValue());
                }
            }
        }
        for (String p : partitions) {
            for (long gi = 0; gi < 3000L * stride; gi++) {
                assertThat(table.get(p, gi)).as("seed %d %s@%d", seed, p, gi).isSameAs(model.get(p + "@" + gi));
            }
        }
        table.clear();
        assertThat(table.get("p", 0)).isNull();
    }

    @ParameterizedTest(name = "stride {0}")
    @ValueSource(ints = {1, 2})
    void readersOnOtherThreadsAlwaysFindRowsThatStayWhileTheTableGrows(int stride) throws Exception {
        RowTable table = new RowTable(stride);
        StoredRow kept = row(1);
        for (long gi = 0; gi < 100; gi++) {
            table.put("p", gi * stride, kept);
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            Random rnd = new Random(73);
            while (!done.get() && problem.get() == null) {
                long gi = rnd.nextInt(100) * (long) stride;
                if (table.get("p", gi) != kept) {
                    problem.set("row " + gi + " missing during growth");
                }
            }
        });
        reader.start();
        try {
            for (long gi = 100; gi < 200_000; gi++) {
                table.put("p", gi * stride, row(2));
                table.put("q", (gi % 100) * stride, row(3));
                if (gi % 3 == 0) {
                    table.remove("p", (gi - 1) * stride);
                }
            }
        } finally {
            done.set(true);
            reader.join(10_000);
        }
        assertThat(problem.get()).isNull();
    }
}
