package io.transferqueue.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizeTest {

    @ParameterizedTest
    @CsvSource({"512, 512", "512b, 512", "0, 0", "64k, 65536", "64KiB, 65536", "64 KB, 65536", "1m, 1048576",
        "1MiB, 1048576", "2g, 2147483648", "2GB, 2147483648", "1.5GiB, 1610612736", "1t, 1099511627776",
        "  3 MiB  , 3145728", "0.5k, 512"})
    void parsesBinaryUnits(String text, long bytes) {
        assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "k", "-1", "12 parsecs", "1.2.3m", ".", "1e3", "10000000000t", "9223372036854775808",
        "NaN"})
    void rejectsWhatIsNotADataSizeNamingTheText(String text) {
        assertThatThrownBy(() -> DataSize.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").hasMessageContaining("64MiB");
    }

    @Test
    void printsInTheLargestExactUnitAndRoundTrips() {
        assertThat(DataSize.ofMebibytes(64).toString()).isEqualTo("64MiB");
        assertThat(DataSize.ofBytes(1536).toString()).isEqualTo("3KiB".replace("3KiB", "1536B"));
        assertThat(DataSize.ofKibibytes(3).toString()).isEqualTo("3KiB");
        assertThat(DataSize.ofGibibytes(1024).toString()).isEqualTo("1TiB");
        assertThat(DataSize.ofBytes(0).toString()).isEqualTo("0B");
        for (long b : new long[] {0, 1, 1023, 1024, 1 << 20, 5L << 40, Long.MAX_VALUE}) {
            DataSize d = DataSize.ofBytes(b);
            assertThat(DataSize.parse(d.toString())).isEqualTo(d);
        }
    }

    @Test
    void rejectsNegativeAndOverflow() {
        assertThatThrownBy(() -> DataSize.ofBytes(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> DataSize.ofGibibytes(Long.MAX_VALUE / 2)).isInstanceOf(ArithmeticException.class);
        assertThat(DataSize.ofKibibytes(1).compareTo(DataSize.ofBytes(1024))).isZero();
        assertThat(DataSize.ofKibibytes(1)).isLessThan(DataSize.ofBytes(1025));
    }
}
