package dev.hookline.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one {@code ./hookline} subcommand accepts, and its arguments parsed against that. Every mistake (an unknown
 * option, a missing value, a port that is not a number) becomes a {@link UsageException} naming it, so the user
 * reads one line instead of a stack trace, and a typo never silently changes what a command does.
 *
 * @param positional the name of the one positional argument (e.g. {@code FILE}), or null for none
 * @param options    options that take a value ({@code --port 8765})
 * @param flags      options without a value ({@code --detach})
 * @param required   options that must be given
 */
record CommandLine(String name, String usage, String positional, Set<String> options, Set<String> flags,
        Set<String> required) {

    /** A mistake in how a command was called; {@link Main} prints it with a pointer to {@code --help}. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** True when {@code args} asks for this command's usage. */
    static boolean asksForHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    Args parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> setFlags = new LinkedHashSet<>();
        String positionalValue = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                if (positional == null || positionalValue != null) {
                    throw new UsageException("unexpected argument '" + arg + "'");
                }
                positionalValue = arg;
                continue;
            }
            String option = arg.substring(2);
            if (flags.contains(option)) {
                setFlags.add(option);
            } else if (options.contains(option)) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new UsageException("--" + option + " needs a value");
                }
                values.put(option, args.get(++i));
            } else {
                throw new UsageException("unknown option --" + option);
            }
        }
        if (positional != null && positionalValue == null) {
            throw new UsageException(positional + " is required");
        }
        for (String option : required) {
            if (!values.containsKey(option)) {
                throw new UsageException("--" + option + " is required");
            }
        }
        return new Args(values, setFlags, positionalValue);
    }

    /** Parsed arguments, with typed getters that refuse bad values by option name. */
    record Args(Map<String, String> values, Set<String> flags, String positional) {

        Optional<String> get(String option) {
            return Optional.ofNullable(values.get(option));
        }

        String get(String option, String fallback) {
            return values.getOrDefault(option, fallback);
        }

        boolean flag(String flag) {
            return flags.contains(flag);
        }

        /** A TCP port; 0 (pick a free one) only where {@code allowAny}. */
        int port(String option, int fallback, boolean allowAny) {
            int port = integer(option, fallback);
            if (port < (allowAny ? 0 : 1) || port > 65_535) {
                throw new UsageException("--" + option + " must be a port number from " + (allowAny ? 0 : 1)
                        + " to 65535, got '" + values.get(option) + "'");
            }
            return port;
        }

        int integer(String option, int fallback) {
            String value = values.get(option);
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--" + option + " must be a number, got '" + value + "'");
            }
        }

        /** A path the user typed, relative to where they ran the command; {@code fallback} when not given. */
        Path path(String option, Path fallback) {
            String value = values.get(option);
            return value == null ? fallback : Path.of(value).toAbsolutePath();
        }
    }
}
