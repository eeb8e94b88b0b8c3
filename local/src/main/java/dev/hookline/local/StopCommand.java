package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** {@code ./hookline stop}: ends the local stack and the detached receivers of a data directory. */
final class StopCommand {

    static final CommandLine COMMAND = new CommandLine("stop", """
            usage: ./hookline stop [--data-dir DIR]

            Stops the local stack (./hookline local, with or without --detach) and every receiver started with
            --detach, of the data directory (default .hookline in the repository).""",
            null, Set.of("data-dir"), Set.of(), Set.of());

    private static final Duration GRACE = Duration.ofSeconds(20);

    private StopCommand() {
    }

    static void run(CommandLine.Args args) throws InterruptedException {
        Path dataDir = args.path("data-dir", Workspace.dataDir());
        int stopped = 0;
        Optional<Long> runner = LocalStacks.holder(dataDir);
        if (runner.isPresent() && runner.get() > 0) {
            Optional<JsonNode> state = LocalStacks.running(dataDir.resolve("state.json"));
            // The lock proves the holder is our runner, so its pid needs no further check.
            Optional<ProcessHandle> process = ProcessHandle.of(runner.get());
            if (process.isPresent() && Background.stop(process.get(), GRACE)) {
                System.out.println("Stopped the local stack" + state.map(s -> " at " + s.path("api_url").asText()).orElse("")
                        + " (pid " + runner.get() + ").");
                stopped++;
            }
        }
        try (DirectoryStream<Path> pidFiles = Files.newDirectoryStream(dataDir, "receiver-*.pid")) {
            for (Path pidFile : pidFiles) {
                Optional<ProcessHandle> receiver = Background.fromPidLine(Files.readString(pidFile));
                if (receiver.isPresent() && Background.stop(receiver.get(), GRACE)) {
                    System.out.println("Stopped the receiver " + pidFile.getFileName().toString().replace(".pid", "")
                            + " (pid " + receiver.get().pid() + ").");
                    stopped++;
                }
                Files.deleteIfExists(pidFile);
            }
        } catch (NoSuchFileException e) {
            // no data directory: nothing was ever started here
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (stopped == 0) {
            System.out.println("Nothing to stop: no local stack or detached receiver is running for " + dataDir + ".");
        }
    }
}
