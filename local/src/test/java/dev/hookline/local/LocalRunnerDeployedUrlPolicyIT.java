package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ./hookline local --url-policy deployed}: the local stack refuses webhook URLs as a deployed stack does. */
class LocalRunnerDeployedUrlPolicyIT {

    @TempDir
    static Path dataDir;

    private static LocalCommand.Running running;
    private static String apiUrl;
    private static String apiKey;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startRunner() {
        running = LocalCommand.start(LocalCommand.Settings.of(LocalCommand.COMMAND.parse(List.of(
                "--data-dir", dataDir.toString(), "--port", "0", "--url-policy", "deployed"))));
        JsonNode state = StateFile.read(dataDir.resolve("state.json"));
        apiUrl = state.get("api_url").asText();
        apiKey = state.get("api_key").asText();
    }

    @AfterAll
    static void stopRunner() {
        running.close();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "http://127.0.0.1:9000/hook,                            scheme_not_allowed",
            "https://127.0.0.1/hook,                                address_not_allowed",
            "https://[64:ff9b:1::a9fe:a9fe]/hook,                   address_not_allowed",
            "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook,   address_not_allowed",
            "https://[2001:db8::1]/hook,                            address_not_allowed",
            "https://[100::1]/hook,                                 address_not_allowed",
            "https://192.88.99.1/hook,                              address_not_allowed",
            "https://[::ffff:0:a9fe:a9fe]/hook,                     address_not_allowed"})
    void refusesWhatADeployedStackRefuses(String url, String code) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(apiUrl + "/v1/webhooks"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"n\", \"url\": \"" + url + "\", \"events\": [\"ticket.create\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(422, response.statusCode(), response.body());
        JsonNode field = Json.parse(response.body()).get("error").get("fields").get(0);
        assertEquals("url", field.get("field").asText());
        assertEquals(code, field.get("code").asText());
    }

    @Test
    void refusesAnUnknownPolicyNameBeforeStartingAnything() {
        CommandLine.Args args = LocalCommand.COMMAND.parse(List.of("--url-policy", "deployd"));
        CommandLine.UsageException e = assertThrows(CommandLine.UsageException.class, () -> LocalCommand.Settings.of(args));
        assertEquals("--url-policy is local or deployed, got 'deployd'", e.getMessage());
    }
}
