package io.transferqueue.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tq}: run a controller or a storage unit, inspect a running system, list options, demo, bench. */
@Command(name = "tq", mixinStandardHelpOptions = true, version = "TransferQueue for the JVM 0.1.0",
        description = "TransferQueue: the data plane between the stages of an RL post-training pipeline.",
        subcommands = {ControllerCommand.class, StorageUnitCommand.class, StatusCommand.class, ConfigCommand.class,
                io.transferqueue.cli.demo.DemoCommand.class, io.transferqueue.cli.bench.BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class TqCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs {@code args} and returns the exit code (for tests). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new TqCommand());
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("tq " + cmd.getCommandName() + ": " + e.getMessage());
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
