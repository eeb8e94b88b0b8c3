package dev.hookline.local;

import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the developer tools behind {@code ./hookline}: {@code local}, {@code stop}, {@code env},
 * {@code mint-key}, {@code send-event} and {@code receiver}. A user's mistake ends in one line on stderr and exit
 * code 2 (usage) or 1 (anything else they can fix); a bug keeps its stack trace.
 */
public final class Main {

    private static final Map<String, CommandLine> COMMANDS = Map.of(
            "local", LocalCommand.COMMAND,
            "stop", StopCommand.COMMAND,
            "env", EnvCommand.COMMAND,
            "mint-key", MintKeyCommand.COMMAND,
            "send-event", SendEventCommand.COMMAND,
            "receiver", ReceiverCommand.COMMAND);

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || !COMMANDS.containsKey(argv[0])) {
            System.err.println("hookline: unknown command " + (argv.length == 0 ? "(none)" : "'" + argv[0] + "'")
                    + "; ./hookline help lists them");
            System.exit(2);
        }
        String name = argv[0];
        CommandLine command = COMMANDS.get(name);
        List<String> args = Arrays.asList(argv).subList(1, argv.length);
        if (CommandLine.asksForHelp(args)) {
            System.out.println(command.usage());
            return;
        }
        try {
            CommandLine.Args parsed = command.parse(args);
            switch (name) {
                case "local" -> LocalCommand.run(args, parsed);
                case "stop" -> StopCommand.run(parsed);
                case "env" -> EnvCommand.run(parsed);
                case "mint-key" -> MintKeyCommand.run(parsed);
                case "send-event" -> SendEventCommand.run(parsed);
                case "receiver" -> ReceiverCommand.run(args, parsed);
                default -> throw new IllegalStateException(name);
            }
        } catch (CommandLine.UsageException e) {
            System.err.println("hookline " + name + ": " + e.getMessage() + " (./hookline " + name + " --help shows the usage)");
            System.exit(2);
        } catch (UserError e) {
            System.err.println("hookline " + name + ": " + e.getMessage());
            System.exit(1);
        } catch (UncheckedIOException e) {
            // Files and sockets the user named or runs on: the message says which, the cause what went wrong.
            System.err.println("hookline " + name + ": " + e.getMessage() + ": " + e.getCause());
            System.exit(1);
        }
    }
}
