package io.transferqueue.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.error.ConfigException;
import org.junit.jupiter.api.Test;

class EndpointsTest {

    @Test
    void wildcardHostsAreRecognisedAndRealHostsAreNot() {
        assertThat(Endpoints.isWildcard("tcp://0.0.0.0:5570")).isTrue();
        assertThat(Endpoints.isWildcard("tcp://*:0")).isTrue();
        assertThat(Endpoints.isWildcard("tcp://[::]:5570")).isTrue();
        assertThat(Endpoints.isWildcard("tcp://127.0.0.1:5570")).isFalse();
        assertThat(Endpoints.isWildcard("tcp://[::1]:5570")).isFalse();
        assertThat(Endpoints.isWildcard("tcp://node7:5570")).isFalse();
        assertThatThrownBy(() -> Endpoints.isWildcard("udp://0.0.0.0:1")).isInstanceOf(ConfigException.class);
    }

    @Test
    void withHostKeepsThePortAndBracketsIpv6() {
        assertThat(Endpoints.withHost("tcp://127.0.0.1:40123", "node7.example.org"))
                .isEqualTo("tcp://node7.example.org:40123");
        assertThat(Endpoints.withHost("tcp://[::1]:40123", "10.0.0.7")).isEqualTo("tcp://10.0.0.7:40123");
        assertThat(Endpoints.withHost("tcp://127.0.0.1:40123", "fd00::7")).isEqualTo("tcp://[fd00::7]:40123");
        assertThat(Endpoints.withHost("tcp://127.0.0.1:40123", "[fd00::7]")).isEqualTo("tcp://[fd00::7]:40123");
    }

    @Test
    void withHostRefusesHostsNoPeerCanReach() {
        for (String bad : new String[] {"", " ", "0.0.0.0", "*", "::", "a/b", "host:1:2:x/"}) {
            assertThatThrownBy(() -> Endpoints.withHost("tcp://127.0.0.1:1", bad)).as("'%s'", bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("not a host peers can connect to");
        }
        assertThatThrownBy(() -> Endpoints.withHost("tcp://127.0.0.1:1", null)).isInstanceOf(ConfigException.class);
    }
}
