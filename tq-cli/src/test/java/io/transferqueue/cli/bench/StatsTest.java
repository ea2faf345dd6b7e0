package io.transferqueue.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void gbpsIsBitsPerNanosecond() {
        assertThat(Stats.gbps(1_000_000_000L, 1_000_000_000L)).isEqualTo(8.0);
    }

    @Test
    void medianOfAnOddCountIsTheMiddleOneAndMinAndMaxAreTheExtremes() {
        Stats s = Stats.ofNanos(1000, new long[] {8000, 1000, 4000});
        assertThat(s.iterations()).isEqualTo(3);
        assertThat(s.median()).isCloseTo(2.0, within(1e-12));
        assertThat(s.min()).isCloseTo(1.0, within(1e-12));
        assertThat(s.max()).isCloseTo(8.0, within(1e-12));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        Stats s = Stats.ofNanos(1000, new long[] {1000, 2000, 4000, 8000});
        assertThat(s.median()).isCloseTo((2.0 + 4.0) / 2, within(1e-12));
    }
}
