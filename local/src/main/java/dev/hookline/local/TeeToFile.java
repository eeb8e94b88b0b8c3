package dev.hookline.local;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies everything the runner's functions print (their JSON log lines, as Lambda would ship them to CloudWatch)
 * to a log file as well as the terminal, so that other commands ({@code send-event}) can follow what happened.
 */
final class TeeToFile extends OutputStream {

    private final OutputStream first;
    private final OutputStream second;

    private TeeToFile(OutputStream first, OutputStream second) {
        this.first = first;
        this.second = second;
    }

    /** From now on, {@code System.out} also goes to {@code file}, which starts empty; returns the stdout it replaced. */
    static PrintStream install(Path file) {
        try {
            Files.createDirectories(file.getParent());
            OutputStream log = new FileOutputStream(file.toFile(), false);
            PrintStream original = System.out;
            System.setOut(new PrintStream(new TeeToFile(original, log), true));
            return original;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log file " + file, e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        first.write(b);
        second.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        first.write(bytes, offset, length);
        second.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        first.flush();
        second.flush();
    }
}
