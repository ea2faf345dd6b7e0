package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.TransferQueueException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RedisErrorsTest {

    private static TransferQueueException map(Throwable t) {
        return RedisErrors.map(t, "redis://h:1/0", "put of 3 keys", Duration.ofSeconds(2));
    }

    @Test
    void noConnectionOrNoReplyIsBackendUnavailable() {
        assertThat(map(new RedisException("Currently not connected. Commands are rejected.")))
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("redis://h:1/0")
                .hasMessageContaining("put of 3 keys");
        assertThat(map(new RedisException("Connection closed"))).isInstanceOf(BackendUnavailableException.class);
        assertThat(map(new RedisConnectionException("Unable to connect", new ConnectException("refused"))))
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("refused");
        assertThat(map(new IOException("Connection reset by peer"))).isInstanceOf(BackendUnavailableException.class);
        assertThat(map(new CompletionException(new RedisCommandTimeoutException("Command timed out after 2 s"))))
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("PT2S")
                .hasMessageContaining("command-timeout");
        assertThat(map(new RedisLoadingException("LOADING Redis is loading the dataset in memory")))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(map(new RedisBusyException("BUSY Redis is busy running a script")))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(map(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down")))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(map(new RedisCommandExecutionException("TRYAGAIN Multiple keys request during rehashing")))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(map(new CancellationException())).isInstanceOf(BackendUnavailableException.class);
    }

    @Test
    void aFullServerIsCapacityExceeded() {
        assertThat(map(new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'.")))
                .isInstanceOf(CapacityExceededException.class).hasMessageContaining("maxmemory");
    }

    @Test
    void otherErrorRepliesAreBackendExceptionsWithRedissMessage() {
        TransferQueueException e = map(new RedisCommandExecutionException(
                "WRONGTYPE Operation against a key holding the wrong kind of value"));
        assertThat(e).isExactlyInstanceOf(BackendException.class).hasMessageContaining("WRONGTYPE Operation against");
        assertThat(map(new IllegalStateException("boom"))).isExactlyInstanceOf(BackendException.class)
                .hasMessageContaining("boom");
        assertThat(map(new RedisException("Request queue size exceeded: 5"))).isExactlyInstanceOf(BackendException.class);
    }

    @Test
    void typedErrorsPassThrough() {
        DataNotFoundException e = new DataNotFoundException("no value for key 'k'");
        assertThat(map(new CompletionException(e))).isSameAs(e);
    }
}
