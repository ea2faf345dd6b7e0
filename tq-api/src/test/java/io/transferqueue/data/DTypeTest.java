package io.transferqueue.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DTypeTest {

    @ParameterizedTest
    @EnumSource(DType.class)
    void parsesItsOwnNameWithAndWithoutTorchPrefix(DType t) {
        assertThat(DType.parse(t.torchName())).isSameAs(t);
        assertThat(DType.parse("torch." + t.torchName())).isSameAs(t);
        assertThat(DType.parse("  TORCH." + t.torchName().toUpperCase() + " ")).isSameAs(t);
        assertThat(t.toString()).isEqualTo(t.torchName());
    }

    @ParameterizedTest
    @CsvSource({"float, FLOAT32", "double, FLOAT64", "half, FLOAT16", "long, INT64", "int, INT32", "short, INT16",
        "torch.float, FLOAT32", "torch.half, FLOAT16", "Double, FLOAT64"})
    void acceptsPytorchAliases(String alias, DType expected) {
        assertThat(DType.parse(alias)).isSameAs(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"float8", "complex64", "", "torch.", "torch.torch.float32", "fp32", "torch.float32x"})
    void unknownNameFailsNamingTheValueAndTheAcceptedNames(String name) {
        assertThatThrownBy(() -> DType.parse(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("bfloat16")
                .hasMessageContaining("torch.");
    }

    @Test
    void nullNameFails() {
        assertThatThrownBy(() -> DType.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void elementSizesMatchPytorch() {
        Map<DType, Integer> sizes = Map.of(DType.BOOL, 1, DType.UINT8, 1, DType.INT8, 1, DType.INT16, 2, DType.INT32, 4,
                DType.INT64, 8, DType.FLOAT16, 2, DType.BFLOAT16, 2, DType.FLOAT32, 4, DType.FLOAT64, 8);
        assertThat(sizes).hasSize(DType.values().length);
        sizes.forEach((t, s) -> assertThat(t.elementSize()).as(t.torchName()).isEqualTo(s));
    }

    @Test
    void wireCodesAreStableAndRoundTrip() {
        // These numbers are part of the wire format: changing one breaks every peer.
        int[] expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Arrays.stream(DType.values()).mapToInt(DType::code).toArray()).containsExactly(expected);
        for (DType t : DType.values()) {
            assertThat(DType.fromCode(t.code())).isSameAs(t);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 11, 255, Integer.MIN_VALUE})
    void unknownCodeFails(int code) {
        assertThatThrownBy(() -> DType.fromCode(code)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(code));
    }

    @Test
    void floatingPointFlag() {
        assertThat(Arrays.stream(DType.values()).filter(DType::isFloatingPoint))
                .containsExactly(DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT64);
    }
}
