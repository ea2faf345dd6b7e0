package io.transferqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.TqConfig;
import io.transferqueue.error.ConfigException;
import io.transferqueue.transport.RpcOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code tq storage-unit} refuses before it starts anything (no controller is needed to see it). */
class StorageUnitCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = TqCommand.newCommandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void aWildcardBindWithoutAnAdvertisedHostIsAUsageError() {
        assertThat(run("storage-unit", "--controller", "tcp://127.0.0.1:1", "--bind", "tcp://0.0.0.0:0")).isEqualTo(2);
        assertThat(err.toString()).contains("--advertise-host").contains("tcp://0.0.0.0:0");
    }

    @Test
    void anAdvertisedHostNoPeerCouldReachIsRefusedBeforeAnythingStarts() {
        assertThat(run("storage-unit", "--controller", "tcp://127.0.0.1:1", "--bind", "tcp://0.0.0.0:0",
                "--advertise-host", "0.0.0.0")).isEqualTo(1);
        assertThat(err.toString()).contains("not a host peers can connect to");
    }

    @Test
    void theConfigurationEveryServerCommandChecksRefusesUnknownKeys() {
        Plugins plugins = new Plugins();
        assertThatThrownBy(() -> plugins.checked(TqConfig.defaults().with("tq.rpc.timout", "5s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tq.rpc.timout");
        assertThat(plugins.checked(TqConfig.defaults().with("tq.rpc.timeout", "5s")).get(RpcOptions.TIMEOUT))
                .hasSeconds(5);
    }
}
