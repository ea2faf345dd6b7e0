package io.transferqueue.cli.bench;

import io.transferqueue.cli.TqCommand;

/**
 * A storage-unit process of the {@code simple-remote} benchmark: {@code tq storage-unit} registered with the
 * controller, plus the ROUTER of the raw jeromq baseline ({@link RawFrameServer}) in the same JVM, so backend and
 * baseline move bytes between the same two processes. Prints {@value #RAW_LINE} and its address, then the
 * storage unit's own "listening on" line; runs until it is terminated.
 *
 * <p>Usage: {@code BenchUnitMain --controller tcp://host:port [more storage-unit options]}.
 */
public final class BenchUnitMain {
    static final String RAW_LINE = "tq bench raw-frames listening on";

    private BenchUnitMain() {
    }

    public static void main(String[] args) {
        RawFrameServer raw = RawFrameServer.start("tcp://127.0.0.1:0");
        System.out.println(RAW_LINE + " " + raw.endpoint());
        System.out.flush();
        String[] unitArgs = new String[args.length + 1];
        unitArgs[0] = "storage-unit";
        System.arraycopy(args, 0, unitArgs, 1, args.length);
        int code = TqCommand.run(unitArgs);
        if (code != 0) {
            raw.close();
            System.exit(code);
        }
    }
}
