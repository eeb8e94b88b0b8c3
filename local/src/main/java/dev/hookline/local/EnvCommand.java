package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * {@code eval "$(./hookline env)"}: the running local stack's API URL and key as shell variables, so nothing has to
 * be copied by hand from the terminal that started it.
 */
final class EnvCommand {

    static final CommandLine COMMAND = new CommandLine("env", """
            usage: eval "$(./hookline env [--state-file PATH])"

            Prints export lines for the running local stack: HOOKLINE_API_URL, HOOKLINE_API_KEY (the dev tenant's
            admin key) and HOOKLINE_COMPANY_ID.""",
            null, Set.of("state-file"), Set.of(), Set.of());

    private EnvCommand() {
    }

    static void run(CommandLine.Args args) {
        JsonNode state = LocalStacks.requireRunning(args.path("state-file", Workspace.dataDir().resolve("state.json")));
        System.out.println("export HOOKLINE_API_URL=" + quoted(state.path("api_url").asText()));
        System.out.println("export HOOKLINE_API_KEY=" + quoted(state.path("api_key").asText()));
        System.out.println("export HOOKLINE_COMPANY_ID=" + quoted(state.path("company_id").asText()));
    }

    /** Single-quoted for the shell; none of these values holds a quote, but a tenant id typed by a user might. */
    private static String quoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
