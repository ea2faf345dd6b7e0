package io.transferqueue.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    /** Independent reference: the value of a binary16 bit pattern computed in double arithmetic. */
    private static double referenceFloat16(int bits) {
        int sign = (bits >>> 15) & 1;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        double v;
        if (exp == 0x1f) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exp == 0) {
            v = mant * Math.pow(2, -24);
        } else {
            v = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        }
        return sign == 1 ? -v : v;
    }

    @Test
    void float16ExhaustiveRoundTripOfAll65536BitPatterns() {
        int nans = 0;
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = HalfFloats.float16ToFloat((short) bits);
            double ref = referenceFloat16(bits);
            short back = HalfFloats.floatToFloat16(f);
            if (Double.isNaN(ref)) {
                nans++;
                assertThat(Float.isNaN(f)).as("bits %04x decodes to NaN", bits).isTrue();
                int b = back & 0xffff;
                assertThat((b & 0x7c00) == 0x7c00 && (b & 0x3ff) != 0).as("bits %04x stays NaN, got %04x", bits, b)
                        .isTrue();
                assertThat(b & 0x8000).as("sign of NaN %04x", bits).isEqualTo(bits & 0x8000);
            } else {
                assertThat((double) f).as("value of %04x", bits).isEqualTo(ref);
                assertThat(Float.floatToRawIntBits(f) >>> 31).as("sign of %04x", bits).isEqualTo(bits >>> 15);
                assertThat(back & 0xffff).as("round trip of %04x", bits).isEqualTo(bits);
            }
        }
        assertThat(nans).isEqualTo(2 * 1023);
    }

    @Test
    void float16RoundsToNearestEvenAtEveryBoundary() {
        assertThat(h(1f + 0x1p-11f)).isEqualTo(h(1f)); // tie, 1.0 is even
        assertThat(h(1f + 3 * 0x1p-11f)).isEqualTo(h(1f + 0x1p-9f)); // tie, rounds up to even
        assertThat(h(1f + 0x1p-11f + 0x1p-20f)).isEqualTo(h(1f + 0x1p-10f)); // above the tie
        assertThat(HalfFloats.floatToFloat16(65504f)).isEqualTo((short) 0x7bff);
        assertThat(HalfFloats.floatToFloat16(65519.99f)).isEqualTo((short) 0x7bff);
        assertThat(HalfFloats.floatToFloat16(65520f)).isEqualTo((short) 0x7c00); // tie to even overflows
        assertThat(HalfFloats.floatToFloat16(-1e10f)).isEqualTo((short) 0xfc00);
        assertThat(HalfFloats.floatToFloat16(0x1p-24f)).isEqualTo((short) 1); // smallest subnormal
        assertThat(HalfFloats.floatToFloat16(0x1p-25f)).isEqualTo((short) 0); // tie to even (0)
        assertThat(HalfFloats.floatToFloat16(0x1p-25f * 1.0001f)).isEqualTo((short) 1);
        assertThat(HalfFloats.floatToFloat16(3 * 0x1p-25f)).isEqualTo((short) 2); // tie 1.5 ulp to even 2
        assertThat(HalfFloats.floatToFloat16(-0x1p-30f)).isEqualTo((short) 0x8000); // negative underflow keeps sign
        assertThat(HalfFloats.floatToFloat16(Float.MIN_VALUE)).isEqualTo((short) 0);
        assertThat(HalfFloats.floatToFloat16(0x1p-14f - 0x1p-26f)).isEqualTo((short) 0x0400); // carry into normal
        assertThat(HalfFloats.floatToFloat16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7c00);
        assertThat(HalfFloats.floatToFloat16(-0f)).isEqualTo((short) 0x8000);
        // a float NaN whose payload is only in the low bits must not become infinity
        short nan = HalfFloats.floatToFloat16(Float.intBitsToFloat(0x7f800001));
        assertThat(Float.isNaN(HalfFloats.float16ToFloat(nan))).isTrue();
    }

    @Test
    void float16ConversionOfRandomFloatsIsTheNearestRepresentable() {
        long seed = io.transferqueue.testing.Seeds.seed(0x5eed16L);
        Random r = new Random(seed);
        for (int k = 0; k < 200_000; k++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f) || Math.abs(f) > 65504f) {
                continue;
            }
            int h = HalfFloats.floatToFloat16(f) & 0xffff;
            double v = HalfFloats.float16ToFloat((short) h);
            double err = Math.abs(v - f);
            for (int n : new int[] {h - 1, h + 1}) {
                if (n < 0 || (n & 0x7fff) >= 0x7c00 || (n & 0x8000) != (h & 0x8000)) {
                    continue;
                }
                double other = Math.abs(HalfFloats.float16ToFloat((short) n) - (double) f);
                assertThat(err <= other).as("seed %d: %s -> %04x is not nearest (neighbour %04x)", seed, f, h, n)
                        .isTrue();
                if (err == other && f != 0) {
                    assertThat(h & 1).as("seed %d: tie for %s must go to even", seed, f).isZero();
                }
            }
        }
    }

    @Test
    void bfloat16IsTheUpperHalfOfAFloatExhaustively() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = HalfFloats.bfloat16ToFloat((short) bits);
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(bits << 16);
            short back = HalfFloats.floatToBfloat16(f);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(HalfFloats.bfloat16ToFloat(back))).as("NaN %04x", bits).isTrue();
            } else {
                assertThat(back & 0xffff).as("round trip of %04x", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertThat(b(1f + 0x1p-8f)).isEqualTo(b(1f)); // tie, 1.0 is even
        assertThat(b(1f + 3 * 0x1p-8f)).isEqualTo(b(1f + 0x1p-6f)); // tie, up to even
        assertThat(b(1f + 0x1p-8f + 0x1p-20f)).isEqualTo(b(1f + 0x1p-7f)); // above the tie
        assertThat(b(-1f - 0x1p-8f - 0x1p-20f)).isEqualTo(b(-1f - 0x1p-7f));
        assertThat(HalfFloats.floatToBfloat16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80); // rounds to infinity
        assertThat(HalfFloats.floatToBfloat16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xff80);
        short nan = HalfFloats.floatToBfloat16(Float.intBitsToFloat(0x7f800001));
        assertThat(Float.isNaN(HalfFloats.bfloat16ToFloat(nan))).isTrue();
        short negNan = HalfFloats.floatToBfloat16(Float.intBitsToFloat(0xffc00000));
        assertThat(negNan & 0xffff).isEqualTo(0xffc0);
    }

    private static int h(float f) {
        return HalfFloats.floatToFloat16(f) & 0xffff;
    }

    private static int b(float f) {
        return HalfFloats.floatToBfloat16(f) & 0xffff;
    }
}
