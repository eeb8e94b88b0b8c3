package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.AwsClients;
import dev.hookline.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code ./hookline send-event FILE}: drops a producer message (docs/producer-contract.md) on the running local
 * stack's ingest queue, as a producer would. The event is sent for the dev key's tenant unless {@code --company}
 * names another, so the sample files reach the webhooks created with that key.
 */
final class SendEventCommand {

    private SendEventCommand() {
    }

    static void run(String file, Map<String, String> options) {
        JsonNode state = StateFile.read(Path.of(options.getOrDefault("state-file", ".hookline/state.json")));
        JsonNode event;
        try {
            event = Json.parse(Files.readString(Path.of(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (event.isObject()) {
            ((ObjectNode) event).put("company_id", options.getOrDefault("company", state.path("company_id").asText()));
        }
        String queueUrl = state.path("queues").path("IngestQueue").asText();
        JsonNode aws = state.path("aws");
        try (SqsClient sqs = AwsClients.of(Region.of(aws.path("region").asText()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
                Map.of("SQS", URI.create(aws.path("sqs_endpoint").asText())), null).sqs()) {
            String messageId = sqs.sendMessage(request -> request.queueUrl(queueUrl).messageBody(Json.write(event))).messageId();
            System.out.println(messageId);
            System.err.println("Sent " + file + " to " + queueUrl + " for company " + event.path("company_id").asText()
                    + "; the fan-out function picks it up within its batching window.");
        }
    }
}
