package io.transferqueue.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingGroupTest {

    @Test
    void routesByGlobalIndexModuloUnitsKeepingBatchPositions() {
        List<RoutingGroup> groups = RoutingGroup.route(new long[] {7, 2, 4, 9, 3}, 3);
        assertThat(groups).extracting(RoutingGroup::unit).containsExactly(0, 1, 2);
        assertThat(groups.get(0).globalIndexes()).containsExactly(9, 3);
        assertThat(groups.get(0).batchPositions()).containsExactly(3, 4);
        assertThat(groups.get(1).globalIndexes()).containsExactly(7, 4);
        assertThat(groups.get(2).globalIndexes()).containsExactly(2);
        assertThat(groups.get(2).batchPosition(0)).isEqualTo(1);
        assertThat(RoutingGroup.route(new long[] {3, 6}, 3)).hasSize(1);
        assertThat(RoutingGroup.route(new long[0], 2)).isEmpty();
        assertThatThrownBy(() -> RoutingGroup.route(new long[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoutingGroup(0, new long[2], new int[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void routingDependsOnlyOnTheGlobalIndex() {
        for (long gi = 0; gi < 100; gi++) {
            int unit = RoutingGroup.unitOf(gi, 4);
            List<RoutingGroup> alone = RoutingGroup.route(new long[] {gi}, 4);
            assertThat(alone.get(0).unit()).isEqualTo(unit);
        }
        long[] gis = {5, 1};
        RoutingGroup g = new RoutingGroup(1, gis, new int[] {0, 1});
        gis[0] = 99;
        assertThat(g.globalIndex(0)).isEqualTo(5);
        g.globalIndexes()[0] = 42;
        assertThat(g.globalIndex(0)).isEqualTo(5);
        assertThat(g).isEqualTo(new RoutingGroup(1, new long[] {5, 1}, new int[] {0, 1}));
    }
}
