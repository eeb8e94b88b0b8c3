package dev.hookline.local;

import java.util.Arrays;
import java.util.Map;

/**
 * Entry point of the developer tools behind {@code ./hookline}: {@code local}, {@code mint-key},
 * {@code send-event} and {@code receiver}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        // send-event takes its file first: `send-event FILE [--option value ...]`.
        boolean positional = args[0].equals("send-event") && args.length > 1 && !args[1].startsWith("--");
        String[] rest = Arrays.copyOfRange(args, positional ? 2 : 1, args.length);
        Map<String, String> options;
        try {
            options = Options.parse(rest);
        } catch (IllegalArgumentException e) {
            System.err.println("hookline " + args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        switch (args[0]) {
            case "local" -> LocalCommand.run(options);
            case "mint-key" -> MintKeyCommand.run(options);
            case "receiver" -> ReceiverCommand.run(options);
            case "send-event" -> {
                if (!positional) {
                    usage();
                    System.exit(2);
                }
                SendEventCommand.run(args[1], options);
            }
            default -> {
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("""
                usage: hookline local [--port N] [--state-file PATH] [--data-dir DIR] [--company ID]
                                      [--url-policy local|deployed]
                       hookline mint-key --company ID [--scopes admin,read] [--description TEXT]
                                         (--state-file PATH | --table API_KEYS_TABLE [--region R])
                       hookline send-event FILE [--state-file PATH] [--company ID]
                       hookline receiver --secret WHSEC [--port 9000] [--status 204]""");
    }
}
