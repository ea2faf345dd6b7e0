package io.transferqueue.cli;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tq config --list}: every option with type, default and description; {@code --effective}: current values. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "List every configuration option (with default and description) or the effective values.")
final class ConfigCommand implements Callable<Integer> {
    @Option(names = "--list", description = "List every option of TransferQueue and of the plugins found.")
    boolean list;

    @Option(names = "--effective", description = "Show the value of every option and where it comes from "
            + "(defaults < tq.properties < TQ_* environment < -Dtq.* < code). Secrets print as ****.")
    boolean effective;

    @Override
    public Integer call() {
        Plugins plugins = new Plugins();
        List<ConfigOption<?>> known = plugins.knownOptions();
        known.sort(Comparator.comparing(ConfigOption::key));
        if (effective) {
            TqConfig cfg = plugins.checked(TqConfig.load());
            System.out.print(cfg.describe(known));
            return 0;
        }
        for (ConfigOption<?> o : known) {
            System.out.println(o.key() + "  (" + o.typeName() + ", default: " + displayDefault(o) + ", env "
                    + o.envName() + (o.envAliases().isEmpty() ? "" : " or " + String.join(" or ", o.envAliases()))
                    + ")");
            System.out.println("    " + o.description() + (o.rule().isEmpty() ? "" : " Rule: " + o.rule() + "."));
        }
        System.out.println();
        System.out.println("storage backends: " + plugins.backends.names() + "; samplers: " + plugins.samplers.names());
        return 0;
    }

    private static <T> String displayDefault(ConfigOption<T> o) {
        return o.defaultValue() == null ? "unset" : o.display(o.defaultValue());
    }
}
