package dev.hookline.local;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Each function's code exactly as {@code sam build} ships it. The function group's Makefile packages the
 * artifact ({@code make build-<LogicalId>}, as SAM runs it), and the handler is loaded from a class loader that
 * sees only that artifact and what the Lambda Java runtime itself provides. A function whose artifact lacks a
 * class it needs fails here as it would on Lambda, with {@link NoClassDefFoundError}, instead of finding the
 * class on the local runner's class path.
 */
final class PackagedFunctions implements LocalPlatform.FunctionCode {

    private static final String RUNTIME_PACKAGE = "com.amazonaws.services.lambda.runtime.";

    /**
     * What the Java runtime puts beside a function's code: the JDK, and aws-lambda-java-core's interfaces
     * ({@link Context}, the handler interfaces), whose runtime copy wins over the one a function ships. Events
     * classes (aws-lambda-java-events) are not the runtime's: each function must ship them.
     */
    private static final ClassLoader LAMBDA_RUNTIME = new ClassLoader("lambda-runtime",
            ClassLoader.getPlatformClassLoader()) {
        private final ClassLoader application = PackagedFunctions.class.getClassLoader();
        private final CodeSource lambdaCore = Context.class.getProtectionDomain().getCodeSource();

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith(RUNTIME_PACKAGE)) {
                Class<?> type = application.loadClass(name);
                if (Objects.equals(type.getProtectionDomain().getCodeSource(), lambdaCore)) {
                    return type;
                }
            }
            throw new ClassNotFoundException(name);
        }
    };

    private final Path templateDir;
    private final Path artifactsDir;

    /**
     * @param templateDir  where the template is: CodeUri paths are relative to it
     * @param artifactsDir where the artifacts are packaged, one directory per function (replaced on each start)
     */
    PackagedFunctions(Path templateDir, Path artifactsDir) {
        this.templateDir = templateDir;
        this.artifactsDir = artifactsDir;
    }

    @Override
    public ClassLoader loaderFor(SamTemplate.Function function) {
        if (function.codeUri() == null) {
            throw new TemplateException("function " + function.logicalId() + ": --packaged needs a local CodeUri");
        }
        Path artifact = artifactsDir.resolve(function.logicalId());
        build(templateDir.resolve(function.codeUri()), function.logicalId(), artifact);
        List<URL> classPath = new ArrayList<>();
        classPath.add(url(artifact));
        try (Stream<Path> jars = Files.list(artifact.resolve("lib"))) {
            jars.filter(jar -> jar.toString().endsWith(".jar")).sorted().map(PackagedFunctions::url)
                    .forEach(classPath::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.err.printf(Locale.ROOT, "hookline: %s runs from its packaged artifact %s (%d jars)%n",
                function.logicalId(), artifact, classPath.size() - 1);
        return new URLClassLoader("function-" + function.logicalId(), classPath.toArray(URL[]::new), LAMBDA_RUNTIME);
    }

    /** Runs the group's Makefile as {@code sam build} does, into a fresh directory. */
    private static void build(Path group, String logicalId, Path artifact) {
        try {
            deleteRecursively(artifact);
            Files.createDirectories(artifact);
            Path output = Files.createTempFile("hookline-make-", ".log");
            try {
                Process make = new ProcessBuilder("make", "--no-print-directory", "-C", group.toString(),
                        "build-" + logicalId, "ARTIFACTS_DIR=" + artifact.toAbsolutePath())
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                if (!make.waitFor(2, TimeUnit.MINUTES)) {
                    make.destroyForcibly();
                    throw new UserError("packaging " + logicalId + ": make did not finish within 2 minutes");
                }
                if (make.exitValue() != 0) {
                    throw new UserError("packaging " + logicalId + " with " + group.resolve("Makefile") + " failed:\n"
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("packaging " + logicalId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while packaging " + logicalId, e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(path.toString(), e);
        }
    }
}
