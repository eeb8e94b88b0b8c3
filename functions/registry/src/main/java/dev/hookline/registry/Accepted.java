package dev.hookline.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryAdmin;
import dev.hookline.json.Json;

/** The 202 body of the operations that queue work for the delivery function. */
final class Accepted {

    private Accepted() {
    }

    static ObjectNode json(DeliveryAdmin.Accepted accepted) {
        ObjectNode body = Json.object();
        body.put("status", "queued");
        body.put("operation", accepted.what());
        body.put("delivery_id", accepted.deliveryId().orElse(null));
        return body;
    }
}
