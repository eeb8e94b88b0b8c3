package dev.hookline.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Class priming for SnapStart (docs/sam-build.md "Cold start"). Before Lambda takes a function's snapshot, this
 * loads and initializes every class its function group's first invocations load: the list a run of the packaged
 * functions recorded ({@code ./hookline prime-classes}). A restored environment then finds the SDK's request
 * pipeline, Jackson and Hookline's own classes ready instead of loading them on the first request.
 *
 * <p>It loads classes only: no AWS call, nothing read from the tenant's data, no connection kept in the snapshot.
 * A class the list names that this function does not ship (a group's SDK-free functions) or that no longer exists
 * is skipped, so a stale list costs only some of the gain.
 * Outside SnapStart (on-demand Lambda, the local runner, tests) the hook never runs.
 */
public final class SnapStartPriming {

    /** In each function group's jar: what its functions load, one class name per line. */
    static final String CLASS_LIST = "META-INF/hookline/prime-classes.txt";

    /** Held here because a CRaC context may keep its resources only weakly. */
    private static final Set<Hook> REGISTERED = ConcurrentHashMap.newKeySet();

    private SnapStartPriming() {
    }

    /** Call from the handler's constructor; registering the same handler again does nothing. */
    public static void register(Class<?> handler) {
        Hook hook = new Hook(handler);
        if (REGISTERED.add(hook)) {
            Core.getGlobalContext().register(hook);
        }
    }

    private record Hook(Class<?> handler) implements Resource {

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            prime(handler);
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            // Nothing to redo: clients open connections on first use, and credentials come from the runtime.
        }
    }

    /** Loads and initializes the classes listed beside {@code handler}; returns how many loaded. */
    public static int prime(Class<?> handler) {
        ClassLoader loader = handler.getClassLoader();
        int loaded = 0;
        try (InputStream list = loader.getResourceAsStream(CLASS_LIST)) {
            if (list == null) {
                return 0;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8));
            for (String name = lines.readLine(); name != null; name = lines.readLine()) {
                if (!name.isBlank() && load(name.strip(), loader)) {
                    loaded++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loaded;
    }

    private static boolean load(String className, ClassLoader loader) {
        try {
            Class.forName(className, true, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
