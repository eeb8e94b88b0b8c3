package dev.hookline.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the repository is and where local runs keep their files. {@code ./hookline} passes the repository root as
 * {@code hookline.root} and starts Java in the caller's directory, so paths the user types are relative to where
 * they are, while the defaults (template, data directory) do not depend on it.
 */
final class Workspace {

    private Workspace() {
    }

    /** {@code hookline.root}, or else the nearest directory up from here that holds template.yaml (tests). */
    static Path root() {
        String root = System.getProperty("hookline.root");
        if (root != null) {
            return Path.of(root).toAbsolutePath().normalize();
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        return here;
    }

    static Path template() {
        return root().resolve("template.yaml");
    }

    /** State, logs, lock and pid files of local runs, and the local key file: git-ignored. */
    static Path dataDir() {
        return root().resolve(".hookline");
    }
}
