package dev.hookline.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hookline.json.Json;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.SecretRing;
import dev.hookline.model.Webhook;
import dev.hookline.secrets.EncryptedSecret;
import dev.hookline.webhooks.WebhookVersion.Action;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookVersionTest {

    private static final Instant CREATED = Instant.parse("2026-11-29T12:00:00Z");
    private static final Instant LATER = Instant.parse("2026-11-30T08:15:00Z");
    private static final EncryptedSecret SEALED = new EncryptedSecret("v1", "c2VhbGVkLXNlY3JldA==");

    private static Webhook webhook() {
        return new Webhook("96007e9b-b570-454c-aa3b-66a33a88280a", "company-1", "Tickets", null,
                "https://hooks.example.com/in", Webhook.POST, List.of(new EventType("ticket", "create")), ChangeFilter.NONE,
                null, false, 3, 0, true, Map.of("team", "ops", "env", "prod"), null, null, List.of(), SecretRing.of(SEALED), 1,
                CREATED, CREATED, null);
    }

    @Test
    void aCreateShowsEveryFieldItSetAsChangedFromNull() {
        WebhookVersion version = WebhookVersion.of(Action.CREATE, "key-1", null, webhook());

        assertEquals(Json.parse("""
                {"name": {"from": null, "to": "Tickets"},
                 "url": {"from": null, "to": "https://hooks.example.com/in"},
                 "method_type": {"from": null, "to": "POST"},
                 "events": {"from": null, "to": ["ticket.create"]},
                 "identifier": {"from": null, "to": ""},
                 "triggered_by_child_resources": {"from": null, "to": false},
                 "retries": {"from": null, "to": 3},
                 "active": {"from": null, "to": true},
                 "include_resources": {"from": null, "to": []},
                 "metadata.env": {"from": null, "to": "prod"},
                 "metadata.team": {"from": null, "to": "ops"}}"""), version.changes());
        assertEquals(1, version.version());
        assertEquals(CREATED, version.changedAt());
        assertEquals("key-1", version.apiKeyId());
        assertEquals("create", version.action().wire());
    }

    @Test
    void anUpdateShowsOnlyWhatChangedFromWhatToWhat() {
        Webhook before = webhook();
        Webhook after = before.toBuilder().url("https://hooks.example.com/v2").rateLimit(50)
                .events(List.of(new EventType("ticket", "create"), new EventType("ticket", "update"))).revise(LATER);

        WebhookVersion version = WebhookVersion.of(Action.UPDATE, "key-2", before, after);

        assertEquals(Json.parse("""
                {"url": {"from": "https://hooks.example.com/in", "to": "https://hooks.example.com/v2"},
                 "events": {"from": ["ticket.create"], "to": ["ticket.create", "ticket.update"]},
                 "rate_limit": {"from": null, "to": 50}}"""), version.changes());
        assertEquals(2, version.version());
        assertEquals(LATER, version.changedAt());
    }

    @Test
    void aChangeFilterChangeShowsTheWholeFilterFromWhatToWhat() {
        Webhook before = webhook().toBuilder().events(List.of(new EventType("ticket", "update"))).revise(CREATED);
        Webhook after = before.toBuilder()
                .changeFilter(ChangeFilter.fromJson(Json.parse("[{\"field\": \"status\", \"to\": \"sold_out\"}]")))
                .revise(LATER);

        assertEquals(Json.parse("""
                {"change_filter": {"from": null, "to": [{"field": "status", "to": "sold_out"}]}}"""),
                WebhookVersion.of(Action.UPDATE, "key-1", before, after).changes());
    }

    @Test
    void aChangeFilterAndIncludeResourcesChangedTogetherShowAsTwoChanges() {
        Webhook before = webhook().toBuilder().events(List.of(new EventType("ticket", "update"))).revise(CREATED);
        Webhook after = before.toBuilder().events(List.of(new EventType("ticket", "sold_out"), new EventType("ticket", "update")))
                .changeFilter(ChangeFilter.fromJson(Json.parse("[{\"field\": \"capacity\"}]")))
                .includeResources(List.of("event"))
                .revise(LATER);

        assertEquals(Json.parse("""
                {"events": {"from": ["ticket.update"], "to": ["ticket.sold_out", "ticket.update"]},
                 "change_filter": {"from": null, "to": [{"field": "capacity"}]},
                 "include_resources": {"from": [], "to": ["event"]}}"""),
                WebhookVersion.of(Action.UPDATE, "key-1", before, after).changes());
    }

    @Test
    void metadataChangesArePerKeyIncludingRemovedKeys() {
        Webhook before = webhook();
        Webhook after = before.toBuilder().metadata(Map.of("team", "billing", "region", "eu")).revise(LATER);

        assertEquals(Json.parse("""
                {"metadata.region": {"from": null, "to": "eu"},
                 "metadata.team": {"from": "ops", "to": "billing"},
                 "metadata.env": {"from": "prod", "to": null}}"""),
                WebhookVersion.of(Action.UPDATE, "key-1", before, after).changes());
    }

    @Test
    void aRotationShowsTheSecretAsRotatedAndNeverItsValue() {
        Webhook before = webhook();
        Webhook after = before.toBuilder()
                .secrets(before.secrets().rotate(new EncryptedSecret("v1", "bmV3LXNlYWxlZA=="), LATER)).revise(LATER);

        WebhookVersion version = WebhookVersion.of(Action.ROTATE_SECRET, "key-1", before, after);

        assertEquals(Json.parse("{\"secret\": \"rotated\"}"), version.changes());
        String rendered = Json.write(WebhookJson.renderVersion(version));
        assertFalse(rendered.contains(SEALED.sealed()) || rendered.contains("bmV3LXNlYWxlZA=="), rendered);
        assertEquals("rotate_secret", WebhookJson.renderVersion(version).get("action").asText());
    }

    @Test
    void aDeleteAndAnUpdateThatChangesNothingAreVersionsWithoutChanges() {
        Webhook before = webhook();

        WebhookVersion deleted = WebhookVersion.of(Action.DELETE, "key-1", before,
                before.toBuilder().deletedAt(LATER).revise(LATER));
        WebhookVersion unchanged = WebhookVersion.of(Action.UPDATE, "key-1", before, before.toBuilder().revise(LATER));

        assertEquals(Json.object(), deleted.changes());
        assertEquals(Json.object(), unchanged.changes());
        assertEquals(2, unchanged.version());
    }

    @Test
    void theRenderedVersionNamesTheKeyByIdAndTheWebhook() {
        var rendered = WebhookJson.renderVersion(WebhookVersion.of(Action.CREATE, "examplekey01", null, webhook()));

        assertEquals("96007e9b-b570-454c-aa3b-66a33a88280a", rendered.get("webhook_id").asText());
        assertEquals(1, rendered.get("version").asLong());
        assertEquals("2026-11-29T12:00:00Z", rendered.get("changed_at").asText());
        assertEquals("examplekey01", rendered.get("api_key_id").asText());
        assertNull(rendered.get("secret"));
    }
}
