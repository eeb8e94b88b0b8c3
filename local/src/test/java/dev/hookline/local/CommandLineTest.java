package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.testing.RepoFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    private static String mistake(CommandLine command, String... args) {
        return assertThrows(CommandLine.UsageException.class, () -> command.parse(List.of(args))).getMessage();
    }

    @Test
    void unknownOptionsAreRefusedNotIgnored() {
        assertEquals("unknown option --bogus", mistake(LocalCommand.COMMAND, "--bogus", "1"));
    }

    @Test
    void aPortThatIsNotANumberIsNamed() {
        CommandLine.Args args = LocalCommand.COMMAND.parse(List.of("--port", "abc"));
        assertEquals("--port must be a number, got 'abc'",
                assertThrows(CommandLine.UsageException.class, () -> args.port("port", 8765, true)).getMessage());
        CommandLine.Args outOfRange = LocalCommand.COMMAND.parse(List.of("--port", "70000"));
        assertEquals("--port must be a port number from 0 to 65535, got '70000'",
                assertThrows(CommandLine.UsageException.class, () -> outOfRange.port("port", 8765, true)).getMessage());
    }

    @Test
    void requiredOptionsAndValuesAreAskedFor() {
        assertEquals("--secret is required", mistake(ReceiverCommand.COMMAND, "--port", "9000"));
        assertEquals("--company is required", mistake(MintKeyCommand.COMMAND));
        assertEquals("--port needs a value", mistake(LocalCommand.COMMAND, "--port"));
        assertEquals("--port needs a value", mistake(LocalCommand.COMMAND, "--port", "--detach"));
        assertEquals("FILE is required", mistake(SendEventCommand.COMMAND));
        assertEquals("unexpected argument 'extra'", mistake(SendEventCommand.COMMAND, "a.json", "extra"));
    }

    @Test
    void flagsTakeNoValueAndTheFileMayComeAnywhere() {
        CommandLine.Args args = SendEventCommand.COMMAND.parse(List.of("--keep-event-id", "event.json", "--company", "acme"));
        assertTrue(args.flag("keep-event-id"));
        assertEquals("event.json", args.positional());
        assertEquals("acme", args.get("company", null));
    }

    @Test
    void everyCommandAnswersHelpWithAUsageThatListsEachOfItsOptions() {
        for (CommandLine command : List.of(LocalCommand.COMMAND, StopCommand.COMMAND, EnvCommand.COMMAND,
                MintKeyCommand.COMMAND, SendEventCommand.COMMAND, ReceiverCommand.COMMAND)) {
            assertTrue(CommandLine.asksForHelp(List.of("--help")));
            for (String option : command.options()) {
                assertTrue(command.usage().contains("--" + option + " "), command.name() + " usage lists --" + option);
            }
            for (String flag : command.flags()) {
                assertTrue(command.usage().contains("--" + flag), command.name() + " usage lists --" + flag);
            }
        }
    }

    @Test
    void localParametersAreKeyValuePairsWhoseValuesMayHoldCommas() {
        LocalCommand.Settings settings = LocalCommand.Settings.of(LocalCommand.COMMAND.parse(List.of("--persist",
                "--parameters", "DeliveryRetrySchedule=1s,2s,4s,DeliveryVisibilityTimeout=30,Empty=")));
        assertTrue(settings.persist());
        assertEquals(Map.of("DeliveryRetrySchedule", "1s,2s,4s", "DeliveryVisibilityTimeout", "30", "Empty", ""),
                settings.parameters());
        assertEquals("--parameters takes Key=Value pairs separated by commas, got '1s,2s'",
                assertThrows(CommandLine.UsageException.class, () -> LocalCommand.parameters("1s,2s")).getMessage());
        assertEquals("--parameters sets A twice",
                assertThrows(CommandLine.UsageException.class, () -> LocalCommand.parameters("A=1,A=2")).getMessage());
    }

    @Test
    void localParametersMustBeTemplateParameters(@TempDir Path dataDir) {
        LocalCommand.Settings settings = new LocalCommand.Settings(RepoFiles.resolve("template.yaml"), dataDir,
                dataDir.resolve("state.json"), 0, "acme", false, Map.of("DeliveryRetrySchedul", "1s"), false,
                false);
        String message = assertThrows(UserError.class, () -> LocalCommand.start(settings)).getMessage();
        assertTrue(message.startsWith("--parameters: DeliveryRetrySchedul is not a parameter of "), message);
        assertTrue(message.contains("DeliveryRetrySchedule, DeliverySuccessRetentionDays"), message);
    }

    @Test
    void scopesMustBeKnown() {
        CommandLine.Args args = MintKeyCommand.COMMAND.parse(List.of("--company", "acme", "--scopes", "admin,owner"));
        assertEquals("--scopes: unknown scope 'owner' (use read, admin or read,admin)",
                assertThrows(CommandLine.UsageException.class, () -> MintKeyCommand.run(args)).getMessage());
    }
}
