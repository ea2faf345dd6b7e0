package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.error.CapacityExceededException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceAllocatorTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private NpuDevice device;
    private final AtomicLong ids = new AtomicLong();

    @BeforeEach
    void open() {
        device = NpuDevice.open(NpuConfig.from(NpuTestConfigs.host()));
        device.enter();
    }

    @AfterEach
    void close() {
        device.exit();
        device.close();
    }

    private DeviceAllocation one(DeviceAllocator a, long length) {
        return a.allocateAll(new long[] {length}, ids::incrementAndGet)[0];
    }

    @Test
    void blocksAreAlignedAndAccountedAndEmptyCellsTakeNothing() {
        DeviceAllocator a = new DeviceAllocator(device, 64 * KIB, 16 * KIB);
        DeviceAllocation x = one(a, 1);
        DeviceAllocation y = one(a, 513);
        DeviceAllocation empty = one(a, 0);

        assertThat(x.size).isEqualTo(512);
        assertThat(y.size).isEqualTo(1024);
        assertThat(y.offset % DeviceAllocator.ALIGNMENT).isZero();
        assertThat(empty.size).isZero();
        assertThat(empty.address()).isZero();
        assertThat(DeviceAllocator.isInBounds(empty)).isTrue();
        assertThat(DeviceAllocator.isInBounds(y)).isTrue();
        assertThat(a.usedBytes()).isEqualTo(1536);
        assertThat(a.reservedBytes()).isEqualTo(16 * KIB);
        assertThat(a.liveBlocks()).isEqualTo(2);
        x.release();
        y.release();
        empty.release();
        assertThat(a.usedBytes()).isZero();
        assertThat(a.liveBlocks()).isZero();
        a.close();
    }

    @Test
    void freedNeighboursCoalesceAndBestFitReusesThem() {
        DeviceAllocator a = new DeviceAllocator(device, 64 * KIB, 16 * KIB);
        DeviceAllocation first = one(a, 4 * KIB);
        DeviceAllocation second = one(a, 4 * KIB);
        DeviceAllocation third = one(a, 4 * KIB);
        DeviceAllocation fourth = one(a, 4 * KIB);
        assertThat(a.chunkCount()).isEqualTo(1);

        second.release();
        first.release();
        DeviceAllocation merged = one(a, 8 * KIB);
        assertThat(merged.chunk).isSameAs(third.chunk);
        assertThat(merged.offset).as("the coalesced first two blocks").isZero();
        assertThat(a.chunkCount()).isEqualTo(1);

        fourth.release();
        DeviceAllocation small = one(a, 2 * KIB);
        assertThat(small.offset).as("best fit: the only free block, at the end").isEqualTo(12 * KIB);
        merged.release();
        third.release();
        small.release();
        DeviceAllocation whole = one(a, 16 * KIB);
        assertThat(whole.offset).as("everything coalesced back into one block").isZero();
        assertThat(a.chunkAllocations()).isEqualTo(1);
        whole.release();
        a.close();
    }

    @Test
    void aBatchThatDoesNotFitAllocatesNothing() {
        DeviceAllocator a = new DeviceAllocator(device, 8 * KIB, 8 * KIB);
        DeviceAllocation kept = one(a, 3 * KIB);

        assertThatThrownBy(() -> a.allocateAll(new long[] {2 * KIB, 2 * KIB, 2 * KIB}, ids::incrementAndGet))
                .isInstanceOf(CapacityExceededException.class)
                .hasMessageContaining("3 values need 6144 bytes")
                .hasMessageContaining("3072 of the capacity of 8192");
        assertThat(a.usedBytes()).isEqualTo(3 * KIB);
        assertThat(a.liveBlocks()).isEqualTo(1);
        DeviceAllocation[] fits = a.allocateAll(new long[] {2 * KIB, 3 * KIB}, ids::incrementAndGet);
        assertThat(a.usedBytes()).isEqualTo(8 * KIB);
        for (DeviceAllocation d : fits) {
            d.release();
        }
        kept.release();
        a.close();
    }

    @Test
    void aLargeCellGetsAChunkOfItsOwnWithinTheCapacity() {
        DeviceAllocator a = new DeviceAllocator(device, 8 * MIB, 1 * MIB);
        DeviceAllocation small = one(a, 100);
        DeviceAllocation large = one(a, 3 * MIB + 1);

        assertThat(large.chunk).isNotSameAs(small.chunk);
        assertThat(large.chunk.size).as("rounded up to 2 MiB").isEqualTo(4 * MIB);
        assertThat(a.reservedBytes()).isEqualTo(5 * MIB);
        DeviceAllocation capped = one(a, 2 * MIB + 512);
        assertThat(capped.chunk.size).as("capped at what is left of the capacity").isEqualTo(3 * MIB);
        small.release();
        large.release();
        capped.release();
        a.close();
    }

    @Test
    void emptyChunksAreGivenBackWhenANewChunkWouldNotFit() {
        DeviceAllocator a = new DeviceAllocator(device, 4 * MIB, 2 * MIB);
        DeviceAllocation x = one(a, MIB);
        DeviceAllocation y = one(a, MIB);
        DeviceAllocation z = one(a, MIB);
        assertThat(z.chunk).isNotSameAs(x.chunk);
        assertThat(a.reservedBytes()).isEqualTo(4 * MIB);
        x.release();

        assertThatThrownBy(() -> one(a, 2 * MIB)).as("fragmented: 1 MiB free in each chunk is not 2 MiB in one")
                .isInstanceOf(CapacityExceededException.class).hasMessageContaining("fragmented");
        y.release();
        z.release();
        DeviceAllocation big = one(a, 3 * MIB);
        assertThat(big.chunk.size).isEqualTo(4 * MIB);
        assertThat(a.chunkCount()).as("both empty chunks were given back").isEqualTo(1);
        assertThat(a.chunkAllocations()).isEqualTo(3);
        big.release();
        a.close();
    }

    @Test
    void referencesKeepABlockUntilTheLastRelease() {
        DeviceAllocator a = new DeviceAllocator(device, 64 * KIB, 16 * KIB);
        DeviceAllocation x = one(a, 100);
        assertThat(x.tryRetain()).isTrue();
        x.release();
        assertThat(a.usedBytes()).as("one reference left").isEqualTo(512);
        x.release();
        assertThat(a.usedBytes()).isZero();
        assertThat(x.tryRetain()).as("a released block cannot be revived").isFalse();
        assertThatThrownBy(x::release).isInstanceOf(IllegalStateException.class);
        a.close();
        a.close();
    }
}
