package dev.hookline.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes over {@code System.out} for a benchmark: what the functions print there is what Lambda ships to
 * CloudWatch Logs, so its bytes are counted, and it goes to a file instead of the console (thousands of log
 * lines through Surefire would cost CPU and bury the tables). {@link #close()} puts the console back.
 */
public final class StdoutCapture implements AutoCloseable {

    private final PrintStream console;
    private final OutputStream sink;
    private final AtomicLong bytes = new AtomicLong();

    /** Appends to {@code file}, so that several captures of one run share it. */
    public StdoutCapture(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.sink = new BufferedOutputStream(
                    Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.console = System.out;
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                bytes.incrementAndGet();
                sink.write(b);
            }

            @Override
            public void write(byte[] data, int offset, int length) throws IOException {
                bytes.addAndGet(length);
                sink.write(data, offset, length);
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** Bytes printed since this capture began. */
    public long bytes() {
        return bytes.get();
    }

    /** The console, for the benchmark's own output while the capture runs. */
    public PrintStream console() {
        return console;
    }

    @Override
    public void close() {
        System.out.flush();
        System.setOut(console);
        try {
            sink.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
