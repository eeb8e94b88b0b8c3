package dev.hookline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapStartPrimingTest {

    /** A class loader of its own that sees the list and this module's classes, and reports what it loaded. */
    private static final class Recording extends URLClassLoader {
        Recording(Path listRoot) throws IOException {
            super(new URL[] {listRoot.toUri().toURL(), classesOf(SnapStartPriming.class), classesOf(org.crac.Resource.class)},
                    null);
        }

        Class<?> loaded(String name) {
            return findLoadedClass(name);
        }

        private static URL classesOf(Class<?> type) {
            return type.getProtectionDomain().getCodeSource().getLocation();
        }
    }

    @Test
    void loadsAndInitializesTheListedClassesAndSkipsTheOnesThisFunctionDoesNotShip(@TempDir Path root) throws Exception {
        Path list = root.resolve(SnapStartPriming.CLASS_LIST);
        Files.createDirectories(list.getParent());
        Files.writeString(list, """
                dev.hookline.config.Jitter
                software.amazon.awssdk.services.dynamodb.NotShippedHere

                dev.hookline.config.Env
                """);
        try (Recording loader = new Recording(root)) {
            Class<?> priming = loader.loadClass(SnapStartPriming.class.getName());
            assertNull(loader.loaded("dev.hookline.config.Env"));

            Method prime = priming.getMethod("prime", Class.class);
            int loaded = (int) prime.invoke(null, priming);

            assertEquals(2, loaded, "the class the function does not ship is skipped");
            assertNotNull(loader.loaded("dev.hookline.config.Env"));
            assertNotNull(loader.loaded("dev.hookline.config.Jitter"));
        }
    }

    @Test
    void aFunctionWithoutAListPrimesNothing() {
        assertEquals(0, SnapStartPriming.prime(SnapStartPrimingTest.class));
    }
}
