package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Which local stack is running. A runner holds an exclusive lock on {@code local.lock} in its data directory for
 * its whole life (with its pid written in it), and writes the state file only once its API answers; so "running" is
 * "the lock named in the state file is held by the process the state file names", which turns false the moment a
 * runner dies, {@code kill -9} included, whatever stale files it leaves behind.
 */
final class LocalStacks {

    static final String LOCK_FILE = "local.lock";
    static final String NOT_RUNNING = "no local stack is running (start it with ./hookline local)";
    private static final Duration POLL = Duration.ofMillis(100);

    private LocalStacks() {
    }

    /** The run lock of one data directory, held until closed (or the process ends). */
    record RunLock(FileChannel channel, FileLock lock, Path file) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Takes the run lock of {@code dataDir}, or nothing when another runner holds it. */
    static Optional<RunLock> tryLock(Path dataDir) {
        Path file = dataDir.resolve(LOCK_FILE);
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    // The holder's pid, so a state file left by an earlier run is never taken for this one's.
                    channel.truncate(0).write(ByteBuffer.wrap(
                            Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)));
                    return Optional.of(new RunLock(channel, lock, file));
                }
            } catch (OverlappingFileLockException e) {
                // held by this JVM (tests run a stack in-process)
            }
            channel.close();
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** The pid of the runner holding {@code dataDir}'s lock, if one does. */
    static Optional<Long> holder(Path dataDir) {
        Optional<RunLock> lock = tryLock(dataDir);
        if (lock.isPresent()) {
            lock.get().close();
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(Files.readString(dataDir.resolve(LOCK_FILE)).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.of(-1L); // held, and its holder has not written its pid yet
        }
    }

    /** The state of the running stack behind {@code stateFile}, or the one line that says there is none. */
    static JsonNode requireRunning(Path stateFile) {
        return running(stateFile).orElseThrow(() -> new UserError(NOT_RUNNING));
    }

    static Optional<JsonNode> running(Path stateFile) {
        if (!Files.isRegularFile(stateFile)) {
            return Optional.empty();
        }
        JsonNode state;
        try {
            state = StateFile.read(stateFile);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return Optional.empty(); // unreadable: written by a different version, or truncated by a full disk
        }
        String dataDir = state.path("data_dir").asText("");
        if (dataDir.isEmpty()) {
            return Optional.empty();
        }
        long pid = state.path("pid").asLong(0);
        return holder(Path.of(dataDir)).filter(holder -> holder == pid).map(holder -> state);
    }

    /**
     * Waits until the stack that holds {@code dataDir}'s lock has written its state file; gives up when
     * {@code starterAlive} turns false (the process that was starting it died) or after {@code timeout}.
     */
    static Optional<JsonNode> awaitRunning(Path stateFile, Duration timeout, BooleanSupplier starterAlive)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> state = running(stateFile);
            if (state.isPresent() || !starterAlive.getAsBoolean()) {
                return state;
            }
            Thread.sleep(POLL);
        }
        return Optional.empty();
    }
}
