package dev.hookline.local;

import java.util.Arrays;
import java.util.Map;

/** Entry point of the developer tools behind {@code ./hookline}: {@code local} and {@code mint-key}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
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
            default -> {
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("""
                usage: hookline local [--port N] [--state-file PATH] [--data-dir DIR] [--company ID]
                       hookline mint-key --company ID [--scopes admin,read] [--description TEXT]
                                         (--state-file PATH | --table API_KEYS_TABLE [--region R])""");
    }
}
