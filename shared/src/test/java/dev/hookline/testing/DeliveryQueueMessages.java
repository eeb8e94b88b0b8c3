package dev.hookline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.json.Json;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/** Reads delivery-queue messages as tests look at them: one JSON object per delivery, groups opened. */
public final class DeliveryQueueMessages {

    private DeliveryQueueMessages() {
    }

    public static List<JsonNode> deliveries(List<Message> messages) {
        List<JsonNode> deliveries = new ArrayList<>();
        for (Message message : messages) {
            JsonNode body = Json.parse(message.body());
            if (body.has("deliveries")) {
                body.get("deliveries").forEach(deliveries::add);
            } else {
                deliveries.add(body);
            }
        }
        return deliveries;
    }
}
