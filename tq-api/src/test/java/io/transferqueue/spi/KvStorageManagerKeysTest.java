package io.transferqueue.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.meta.RowHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvStorageManagerKeysTest {
    private static final List<String> NAMES = List.of("", "a", "a/b", "a%2Fb", "a%252Fb", "a%", "%", "/", "//",
            "%2F", "a.b", "1", "1/2.3/x", "0.0", "ü/€ 字", "a b");

    @Test
    void keyIsPrefixPartitionIndexGenerationAndField() {
        assertThat(KvStorageManager.key("tq:", new RowHandle("train", 12, 3), "input_ids"))
                .isEqualTo("tq:train/12.3/input_ids");
    }

    @Test
    void percentAndSlashInPartitionAndFieldAreEscapedAndThePrefixIsNot() {
        assertThat(KvStorageManager.key("x/%", new RowHandle("a/b%c", 3, 1), "f/g%"))
                .isEqualTo("x/%a%2Fb%25c/3.1/f%2Fg%25");
    }

    @Test
    void otherCharactersAreKeptAsTheyAre() {
        assertThat(KvStorageManager.key("", new RowHandle("ü €.x", 0, 0), "a.b c")).isEqualTo("ü €.x/0.0/a.b c");
        assertThat(KvStorageManager.escape("plain")).isSameAs("plain");
    }

    @Test
    void distinctCellsNeverShareAKeyAndEveryKeyMapsBackToItsCell() {
        Map<String, KvStorageManager.Cell> seen = new HashMap<>();
        int cells = 0;
        for (String prefix : List.of("", "tq/1.0/")) {
            seen.clear();
            cells = 0;
            for (String partition : NAMES) {
                for (String field : NAMES) {
                    if (field.isEmpty()) {
                        continue;
                    }
                    for (long gi : new long[] {0, 1, 12, Long.MAX_VALUE}) {
                        for (int gen : new int[] {0, 1, 21, Integer.MAX_VALUE}) {
                            KvStorageManager.Cell cell = new KvStorageManager.Cell(new RowHandle(partition, gi, gen), field);
                            String key = KvStorageManager.key(prefix, cell.row(), field);
                            KvStorageManager.Cell prev = seen.put(key, cell);
                            assertThat(prev).as("key %s of %s", key, cell).isNull();
                            assertThat(KvStorageManager.cellOf(prefix, key)).as("cell of %s", key).contains(cell);
                            cells++;
                        }
                    }
                }
            }
            assertThat(seen).hasSize(cells);
        }
    }

    @Test
    void cellOfRejectsKeysThatKeyNeverProduces() {
        for (String key : List.of("other:p/1.0/f", "tq:", "tq:p", "tq:p/1.0", "tq:p/1/f", "tq:p/.0/f", "tq:p/1./f",
                "tq:p/x.0/f", "tq:p/-1.0/f", "tq:p/01.0/f", "tq:p/1.00/f", "tq:p/1.0/f/g", "tq:p/q/1.0/f",
                "tq:p/1.0/f%2f", "tq:p/1.0/f%zz", "tq:p/1.0/f%", "tq:p%/1.0/f", "tq:p/1.99999999999/f",
                "tq:p/99999999999999999999.0/f")) {
            assertThat(KvStorageManager.cellOf("tq:", key)).as(key).isEmpty();
        }
    }
}
