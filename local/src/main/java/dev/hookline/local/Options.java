package dev.hookline.local;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} pairs; flags without a value are refused, so a typo never silently changes meaning. */
final class Options {

    private Options() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got '" + arg + "'");
            }
            options.put(arg.substring(2), args[++i]);
        }
        return options;
    }
}
