package dev.hookline.webhooks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import dev.hookline.model.EventType;
import dev.hookline.model.Webhook;
import java.util.List;

/** The API representation of a webhook. It has no secret field: secrets are added only to create and rotate responses. */
public final class WebhookJson {

    private WebhookJson() {
    }

    public static ObjectNode render(Webhook webhook) {
        ObjectNode node = Json.object();
        node.put("id", webhook.id());
        // OpenTicket names the id "guid"; kept so its clients work unchanged.
        node.put("guid", webhook.id());
        node.put("company_id", webhook.companyId());
        node.put("name", webhook.name());
        node.put("description", webhook.description());
        node.put("url", webhook.url());
        node.put("method_type", webhook.methodType());
        List<EventType> events = webhook.events();
        node.put("resource", events.size() == 1 ? events.get(0).resource() : null);
        node.put("trigger", events.size() == 1 ? events.get(0).trigger() : null);
        ArrayNode eventArray = node.putArray("events");
        events.forEach(type -> eventArray.add(type.toString()));
        // No filter is null, as clients send it: an empty list is no valid filter.
        if (webhook.changeFilter().isNone()) {
            node.putNull("change_filter");
        } else {
            node.set("change_filter", webhook.changeFilter().toJson());
        }
        node.put("identifier", webhook.identifier() == null ? "" : webhook.identifier());
        node.put("triggered_by_child_resources", webhook.triggeredByChildResources());
        node.put("retries", webhook.retries());
        // No limit is null, as clients send it: 0 is no valid rate.
        if (webhook.rateLimited()) {
            node.put("rate_limit", webhook.rateLimit());
        } else {
            node.putNull("rate_limit");
        }
        node.put("active", webhook.active());
        ObjectNode metadata = node.putObject("metadata");
        webhook.metadata().forEach(metadata::put);
        node.put("reference", webhook.reference());
        node.put("reference_origin", webhook.referenceOrigin());
        ArrayNode include = node.putArray("include_resources");
        webhook.includeResources().forEach(include::add);
        node.put("version", webhook.version());
        node.put("created_at", webhook.createdAt().toString());
        node.put("updated_at", webhook.updatedAt().toString());
        node.putNull("deleted_at");
        return node;
    }

    /** One entry of a webhook's version history; {@code changes} never holds a secret ({@link WebhookVersion}). */
    public static ObjectNode renderVersion(WebhookVersion version) {
        ObjectNode node = Json.object();
        node.put("webhook_id", version.webhookId());
        node.put("version", version.version());
        node.put("action", version.action().wire());
        node.put("changed_at", version.changedAt().toString());
        node.put("api_key_id", version.apiKeyId());
        node.set("changes", version.changes());
        return node;
    }

    /** Create and rotate responses: the webhook plus its new secret, the only time it is ever returned. */
    public static ObjectNode renderWithSecret(Webhook webhook, String secret) {
        ObjectNode node = render(webhook);
        node.put("secret", secret);
        return node;
    }
}
