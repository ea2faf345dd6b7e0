package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lessons S2: sender and receiver read the serialization switch in their own processes. Two real JVMs, one
 * started with {@code -Dtq.wire.zero-copy=true} (frames), one with {@code false} (packed), exchange a message
 * through files; the receiver must decode it whatever its own setting, because the header says how it was
 * encoded.
 */
class CrossProcessWireIT {
    private static final long SEED = 20260521L;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "sender zero-copy={0}, receiver zero-copy={1}")
    @CsvSource({"true, false", "false, true", "true, true", "false, false"})
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aMessageSentWithOneSettingIsReadWithTheOther(boolean senderZeroCopy, boolean receiverZeroCopy)
            throws Exception {
        Encoding sent = Encoding.forZeroCopy(senderZeroCopy);
        Encoding own = Encoding.forZeroCopy(receiverZeroCopy);

        runPeer("send", senderZeroCopy);
        Properties sender = load(dir.resolve(CrossProcessPeer.SENDER_FILE));
        assertThat(sender.getProperty("own")).isEqualTo(sent.name());
        List<?> frames = CrossProcessPeer.readFrames(dir.resolve(CrossProcessPeer.FRAMES_FILE));
        int payloadFields = 0;
        for (Map.Entry<String, String> e : CrossProcessPeer.checksums(CrossProcessPeer.batch(SEED)).entrySet()) {
            if (!e.getValue().startsWith("OBJECT")) {
                payloadFields++;
            }
        }
        assertThat(frames).as("the sender used its own encoding's code path")
                .hasSize(sent == Encoding.FRAMES ? 2 + payloadFields : 1);
        assertThat(WireCodec.peekHeader(CrossProcessPeer.readFrames(dir.resolve(CrossProcessPeer.FRAMES_FILE))
                .get(0)).encodingCode()).isEqualTo(sent.code());

        runPeer("receive", receiverZeroCopy);
        Properties receiver = load(dir.resolve(CrossProcessPeer.RECEIVER_FILE));
        assertThat(receiver.getProperty("own")).as("the receiver's own setting").isEqualTo(own.name());
        assertThat(receiver.getProperty("observed")).as("the receiver saw the sender's encoding").isEqualTo(sent.name());
        assertThat(receiver.getProperty("equal")).isEqualTo("true");
        assertThat(receiver.getProperty("requestId")).isEqualTo(String.valueOf(SEED));
        Map<String, String> expected = CrossProcessPeer.checksums(CrossProcessPeer.batch(SEED));
        assertThat(expected).hasSizeGreaterThan(3);
        expected.forEach((k, v) -> {
            assertThat(receiver.getProperty(k)).as("receiver %s", k).isEqualTo(v);
            assertThat(sender.getProperty(k)).as("sender %s", k).isEqualTo(v);
        });
    }

    private void runPeer(String role, boolean zeroCopy) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-Dtq.wire.zero-copy=" + zeroCopy,
                "-cp", System.getProperty("java.class.path"), CrossProcessPeer.class.getName(), role,
                String.valueOf(SEED), dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(role + ".out").toFile())
                .redirectError(dir.resolve(role + ".err").toFile());
        // only the system property may decide: drop any inherited setting
        pb.environment().keySet().removeIf(k -> k.startsWith("TQ_"));
        Process p = pb.start();
        try {
            boolean exited = p.waitFor(90, TimeUnit.SECONDS);
            assertThat(exited).as("%s peer finished in time", role).isTrue();
            assertThat(p.exitValue()).as("%s peer exit code; stderr:%n%s", role,
                    Files.readString(dir.resolve(role + ".err"))).isZero();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }
}
