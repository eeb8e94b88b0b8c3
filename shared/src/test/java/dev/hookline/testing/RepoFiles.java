package dev.hookline.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds files of the repository (template.yaml, events/, openapi) from any module's test working directory. */
public final class RepoFiles {

    private RepoFiles() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("template.yaml")) && Files.isDirectory(dir.resolve("events"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("Not inside the Hookline repository: " + Path.of("").toAbsolutePath());
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
