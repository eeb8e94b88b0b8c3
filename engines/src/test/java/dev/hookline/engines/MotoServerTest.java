package dev.hookline.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class MotoServerTest {

    @TempDir
    Path temp;

    @Test
    void createsAndReadsASecret() {
        MotoServer moto = Engines.shared().moto().orElseThrow();
        String name = "hookline/endpoints/" + UUID.randomUUID() + "/signing-key";
        try (SecretsManagerClient client = AwsClients.secretsManager(moto.endpoint())) {
            client.createSecret(b -> b.name(name).secretString("whsec_test"));

            assertEquals("whsec_test", client.getSecretValue(b -> b.secretId(name)).secretString());
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        LoopbackAssertions.assertLoopbackOnly(Engines.shared().moto().orElseThrow().endpoint());
    }

    @Test
    void logsToTargetAndIsGoneAfterClose() throws IOException {
        MotoServer moto = MotoServer.start();
        try {
            assertEquals(Path.of("target").toAbsolutePath(), moto.log().getParent());
            assertTrue(Files.size(moto.log()) > 0, "moto_server's output is in " + moto.log());
        } finally {
            moto.close();
        }
        LoopbackAssertions.assertRefusesConnections(moto.endpoint());
    }

    @Test
    void explicitExecutableWinsOverTheRepoVenv() throws IOException {
        Path repo = repoWithVenvMoto();
        Path explicit = executable(temp.resolve("elsewhere/moto_server"));

        Path found = MotoServer.locateExecutable(
                Map.of(MotoServer.EXECUTABLE_ENV, explicit.toString()), repo.resolve("engines"));

        assertEquals(explicit, found);
    }

    @Test
    void repoVenvIsFoundFromASubdirectoryBeforePath() throws IOException {
        Path repo = repoWithVenvMoto();
        Path onPath = executable(temp.resolve("bin/moto_server"));

        Path found =
                MotoServer.locateExecutable(Map.of("PATH", onPath.getParent().toString()), repo.resolve("engines"));

        assertEquals(repo.resolve(".tools/venv/bin/moto_server"), found);
    }

    @Test
    void pathIsTheLastResort() throws IOException {
        Path onPath = executable(temp.resolve("bin/moto_server"));
        Path notARepo = Files.createDirectories(temp.resolve("scratch"));

        Path found = MotoServer.locateExecutable(
                Map.of("PATH", temp.resolve("empty") + ":" + onPath.getParent()), notARepo);

        assertEquals(onPath, found);
    }

    @Test
    void missingExecutableNamesTheSetupCommand() throws IOException {
        Path repo = Files.createDirectories(temp.resolve("repo"));
        Files.writeString(repo.resolve("hookline"), "#!/bin/sh\n");

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> MotoServer.locateExecutable(Map.of("PATH", temp.resolve("empty").toString()), repo));

        assertTrue(error.getMessage().contains("./hookline setup"), error.getMessage());
    }

    @Test
    void brokenExplicitExecutableIsReportedNotSkipped() {
        String missing = temp.resolve("no/moto_server").toString();

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> MotoServer.locateExecutable(Map.of(MotoServer.EXECUTABLE_ENV, missing), temp));

        assertTrue(error.getMessage().contains(MotoServer.EXECUTABLE_ENV + "=" + missing), error.getMessage());
    }

    /** A repo root marked by a .git file, as in a git worktree, holding .tools/venv/bin/moto_server. */
    private Path repoWithVenvMoto() throws IOException {
        Path repo = Files.createDirectories(temp.resolve("repo"));
        Files.writeString(repo.resolve(".git"), "gitdir: /elsewhere\n");
        Files.createDirectories(repo.resolve("engines"));
        executable(repo.resolve(".tools/venv/bin/moto_server"));
        return repo;
    }

    private static Path executable(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
