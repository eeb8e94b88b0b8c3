package dev.hookline.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.auth.Principal;
import dev.hookline.auth.Scope;
import dev.hookline.errors.ApiException;
import dev.hookline.errors.FieldError;
import dev.hookline.json.Json;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.Webhook;
import dev.hookline.signing.StandardWebhooks;
import dev.hookline.storage.Page;
import dev.hookline.storage.WebhookStore;
import dev.hookline.testing.TestStack;
import dev.hookline.webhooks.WebhookService.ListQuery;
import dev.hookline.webhooks.WebhookVersion.Action;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The registry domain on DynamoDB Local and moto's Secrets Manager. */
class WebhookServiceIT {

    private static TestStack stack;
    private static WebhookService webhooks;
    private static WebhookStore store;

    @BeforeAll
    static void startStack() {
        stack = TestStack.create();
        webhooks = stack.services().webhooks();
        store = stack.services().webhookStore();
    }

    private static JsonNode body(String json) {
        return Json.parse(json);
    }

    private static ObjectNode ticketWebhook(String name) {
        return (ObjectNode) body("""
                {"name": "%s", "url": "https://hooks.example.com/receive", "resource": "ticket", "trigger": "create", "retries": 3}
                """.formatted(name));
    }

    private static Set<String> subscribers(String company, String type, String resourceId, boolean propagated) {
        Set<String> ids = new HashSet<>();
        store.forEachSubscription(company, EventType.parse(type), resourceId, propagated, s -> ids.add(s.webhookId()));
        return ids;
    }

    @Test
    void createsAWebhookInTheOpenTicketShapeWithAGeneratedSecretShownOnce() {
        Principal admin = TestStack.admin("company-create");
        WebhookService.WithSecret created = webhooks.create(admin, ticketWebhook("My Example Webhook"), Optional.empty());
        Webhook webhook = created.webhook();
        assertTrue(created.secret().startsWith("whsec_"));
        assertEquals(List.of(new EventType("ticket", "create")), webhook.events());
        assertEquals(3, webhook.retries());
        assertTrue(webhook.active());
        assertFalse(webhook.triggeredByChildResources());
        ObjectNode rendered = WebhookJson.render(webhooks.get(admin, webhook.id()));
        assertEquals("ticket", rendered.get("resource").asText());
        assertEquals("", rendered.get("identifier").asText());
        assertFalse(rendered.has("secret"), "secrets never appear outside create and rotate");
        assertFalse(Json.write(rendered).contains(created.secret()));
        assertEquals(Set.of(webhook.id()), subscribers("company-create", "ticket.create", null, false));
    }

    @Test
    void sealsTheSecretInStorageAndOpensItForSigning() {
        Principal admin = TestStack.admin("company-sealed");
        ObjectNode request = ticketWebhook("custom secret");
        request.put("secret", "a-custom-secret-of-at-least-32-characters!");
        WebhookService.WithSecret created = webhooks.create(admin, request, Optional.empty());
        Webhook stored = store.find("company-sealed", created.webhook().id()).orElseThrow();
        assertFalse(stored.secrets().current().sealed().contains("custom-secret"));
        assertEquals(List.of(created.secret()), webhooks.signingSecrets(stored, Instant.now()));
    }

    @Test
    void aCustomSecretIsReturnedAndKeptInTheWhsecFormTheOfficialLibrariesTake() throws Exception {
        Principal admin = TestStack.admin("company-custom-secret");
        ObjectNode request = ticketWebhook("custom secret, the OpenAPI example");
        request.put("secret", "optional-custom-secret-min-32-chars-long");
        WebhookService.WithSecret created = webhooks.create(admin, request, Optional.empty());

        assertEquals("whsec_" + Base64.getEncoder().encodeToString(
                "optional-custom-secret-min-32-chars-long".getBytes(StandardCharsets.UTF_8)), created.secret());
        long now = Instant.now().getEpochSecond();
        String payload = "{\"type\":\"ticket.create\"}";
        String signature = StandardWebhooks.signatureHeader(webhooks.signingSecrets(
                webhooks.get(admin, created.webhook().id()), Instant.now()), "msg_1", now, payload.getBytes(StandardCharsets.UTF_8));
        new com.standardwebhooks.Webhook(created.secret()).verify(payload, Map.of("webhook-id", List.of("msg_1"),
                "webhook-timestamp", List.of(Long.toString(now)), "webhook-signature", List.of(signature)));
        // Same HMAC key as the raw secret: receivers configured with it before keep verifying.
        assertEquals(StandardWebhooks.sign("optional-custom-secret-min-32-chars-long", "msg_1", now,
                payload.getBytes(StandardCharsets.UTF_8)), signature);
    }

    @Test
    void listsEveryOffendingFieldAtOnce() {
        ApiException e = assertThrows(ApiException.class, () -> webhooks.create(TestStack.admin("company-bad"), body("""
                {"url": "http://hooks.example.com", "resource": "ticket", "trigger": "reorder", "retries": 99,
                 "identifier": "bad id!", "metadata": {"k": 1}, "colour": "red", "guid": "x"}"""), Optional.empty()));
        assertEquals(422, e.status());
        List<String> fields = e.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList();
        assertEquals(List.of("colour:unknown_field", "guid:read_only", "name:required", "url:scheme_not_allowed",
                "trigger:unsupported_event_type", "identifier:invalid_identifier", "retries:out_of_range",
                "metadata.k:invalid_type"), fields);
    }

    @Test
    void refusesUrlsThatResolveToPrivateNetworks() {
        ObjectNode request = ticketWebhook("private");
        request.put("url", "https://billing.internal.test/hook");
        ApiException e = assertThrows(ApiException.class, () -> webhooks.create(TestStack.admin("company-ssrf"), request, Optional.empty()));
        FieldError error = e.fieldErrors().get(0);
        assertEquals("url", error.field());
        assertEquals("address_not_allowed", error.code());
        request.put("url", "https://169.254.169.254/latest/meta-data");
        assertEquals("address_not_allowed", assertThrows(ApiException.class,
                () -> webhooks.create(TestStack.admin("company-ssrf"), request, Optional.empty())).fieldErrors().get(0).code());
    }

    @Test
    void acceptsSeveralEventTypesAndIndexesPropagationOnlyWhenOptedIn() {
        Principal admin = TestStack.admin("company-events");
        Webhook webhook = webhooks.create(admin, body("""
                {"name": "all event changes", "url": "https://hooks.example.com/e", "events": ["event.create", "event.update"],
                 "identifier": "event-42", "triggered_by_child_resources": true}"""), Optional.empty()).webhook();
        Webhook plain = webhooks.create(admin, body("""
                {"name": "plain", "url": "https://hooks.example.com/p", "events": ["event.create"]}"""), Optional.empty()).webhook();
        assertEquals(Set.of(webhook.id(), plain.id()), subscribers("company-events", "event.create", "event-42", false));
        assertEquals(Set.of(plain.id()), subscribers("company-events", "event.create", "event-7", false));
        assertEquals(Set.of(webhook.id()), subscribers("company-events", "event.update", "event-42", true));
        assertEquals(Set.of(), subscribers("company-events", "event.update", "event-7", true));
    }

    @Test
    void anIdempotentCreateRetriedReturnsTheSameWebhookAndSecret() {
        Principal admin = TestStack.admin("company-idem");
        WebhookService.WithSecret first = webhooks.create(admin, ticketWebhook("once"), Optional.of("key-1"));
        WebhookService.WithSecret retry = webhooks.create(admin, body("""
                {"retries": 3, "trigger": "create", "resource": "ticket", "url": "https://hooks.example.com/receive", "name": "once"}"""),
                Optional.of("key-1"));
        assertEquals(first.webhook().id(), retry.webhook().id());
        assertEquals(first.secret(), retry.secret());
        assertTrue(retry.replayed());
        ApiException reused = assertThrows(ApiException.class,
                () -> webhooks.create(admin, ticketWebhook("different"), Optional.of("key-1")));
        assertEquals("idempotency_key_reused", reused.code());
        assertEquals(1, webhooks.list(admin, new ListQuery(Optional.empty(), 10, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())).items().size());
        // The same key is independent per tenant.
        assertNotEquals(first.webhook().id(), webhooks.create(TestStack.admin("company-idem-2"), ticketWebhook("once"),
                Optional.of("key-1")).webhook().id());
    }

    @Test
    void pagesThroughListingsWithFiltersAndNeverShowsDeletedWebhooks() {
        Principal admin = TestStack.admin("company-pages");
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            ObjectNode request = ticketWebhook("hook " + i);
            if (i % 3 == 0) {
                request.put("resource", "order");
                request.put("trigger", "paid");
                request.put("active", i % 2 == 0);
            }
            String id = webhooks.create(admin, request, Optional.empty()).webhook().id();
            if (i % 3 == 0) {
                orderIds.add(id);
            }
        }
        webhooks.delete(admin, orderIds.get(0), Optional.empty());
        List<String> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            Page<Webhook> page = webhooks.list(admin, new ListQuery(cursor, 2, Optional.of("order"), Optional.empty(), Optional.empty(), Optional.empty()));
            page.items().forEach(w -> seen.add(w.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor.isPresent());
        assertEquals(new HashSet<>(orderIds.subList(1, orderIds.size())), new HashSet<>(seen));
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no webhook appears on two pages");
        assertTrue(pages <= 4);
        Page<Webhook> inactive = webhooks.list(admin, new ListQuery(Optional.empty(), 100, Optional.empty(), Optional.of("paid"), Optional.of(false), Optional.empty()));
        assertTrue(inactive.items().stream().noneMatch(Webhook::active));
        assertEquals(4, inactive.items().size());
        assertEquals(22, webhooks.list(admin, new ListQuery(Optional.empty(), 100, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())).items().size());
    }

    @Test
    void updatesArePartialVersionedAndMoveTheIndex() {
        Principal admin = TestStack.admin("company-update");
        Webhook created = webhooks.create(admin, ticketWebhook("v1"), Optional.empty()).webhook();
        Webhook renamed = webhooks.update(admin, created.id(), body("{\"name\": \"v2\", \"trigger\": \"update\"}"), Optional.of(created.etag()));
        assertEquals("v2", renamed.name());
        assertEquals(List.of(new EventType("ticket", "update")), renamed.events());
        assertEquals(created.url(), renamed.url());
        assertEquals(2, renamed.version());
        assertEquals(Set.of(), subscribers("company-update", "ticket.create", null, false));
        assertEquals(Set.of(created.id()), subscribers("company-update", "ticket.update", null, false));

        ApiException stale = assertThrows(ApiException.class,
                () -> webhooks.update(admin, created.id(), body("{\"name\": \"v3\"}"), Optional.of(created.etag())));
        assertEquals(412, stale.status());

        webhooks.update(admin, created.id(), body("{\"active\": false}"), Optional.empty());
        assertEquals(Set.of(), subscribers("company-update", "ticket.update", null, false), "inactive webhooks stop matching");
        webhooks.update(admin, created.id(), body("{\"active\": true}"), Optional.empty());
        assertEquals(Set.of(created.id()), subscribers("company-update", "ticket.update", null, false));

        ApiException secret = assertThrows(ApiException.class,
                () -> webhooks.update(admin, created.id(), body("{\"secret\": \"x\"}"), Optional.empty()));
        assertEquals("read_only", secret.fieldErrors().get(0).code());
    }

    @Test
    void aRateLimitIsStoredOnlyWhenSetShownAsNullOtherwiseAndRemovedByNull() {
        Principal admin = TestStack.admin("company-rate-limit");
        Webhook plain = webhooks.create(admin, ticketWebhook("unlimited"), Optional.empty()).webhook();
        assertTrue(WebhookJson.render(webhooks.get(admin, plain.id())).get("rate_limit").isNull());
        assertFalse(storedItem(plain.id()).containsKey("rate_limit"), "no limit is no attribute");

        ObjectNode request = ticketWebhook("limited");
        request.put("rate_limit", 50);
        Webhook limited = webhooks.create(admin, request, Optional.empty()).webhook();
        assertEquals("50", storedItem(limited.id()).get("rate_limit").n());
        assertEquals(50, store.find("company-rate-limit", limited.id()).orElseThrow().rateLimit());
        assertEquals(50, WebhookJson.render(webhooks.get(admin, limited.id())).get("rate_limit").asInt());

        webhooks.update(admin, limited.id(), body("{\"name\": \"still limited\"}"), Optional.empty());
        assertEquals(50, webhooks.get(admin, limited.id()).rateLimit(), "absent leaves the limit as it is");
        webhooks.update(admin, limited.id(), body("{\"rate_limit\": 300}"), Optional.empty());
        assertEquals(300, webhooks.get(admin, limited.id()).rateLimit());
        webhooks.update(admin, limited.id(), body("{\"rate_limit\": null}"), Optional.empty());
        assertEquals(0, store.find("company-rate-limit", limited.id()).orElseThrow().rateLimit());
        assertFalse(storedItem(limited.id()).containsKey("rate_limit"));
        assertTrue(WebhookJson.render(webhooks.get(admin, limited.id())).get("rate_limit").isNull());
    }

    @Test
    void referencesAreStoredOnlyWhenSetShownAsNullOtherwiseAndClearedByNull() {
        Principal admin = TestStack.admin("company-reference");
        Webhook plain = webhooks.create(admin, ticketWebhook("unreferenced"), Optional.empty()).webhook();
        ObjectNode plainJson = WebhookJson.render(webhooks.get(admin, plain.id()));
        assertTrue(plainJson.get("reference").isNull());
        assertTrue(plainJson.get("reference_origin").isNull());
        assertFalse(storedItem(plain.id()).containsKey("reference"), "no reference is no attribute");
        assertFalse(storedItem(plain.id()).containsKey("reference_origin"));

        ObjectNode request = ticketWebhook("referenced");
        request.put("reference", "ORDER-42");
        request.put("reference_origin", "erp");
        Webhook referenced = webhooks.create(admin, request, Optional.empty()).webhook();
        assertEquals("ORDER-42", storedItem(referenced.id()).get("reference").s());
        assertEquals("erp", storedItem(referenced.id()).get("reference_origin").s());
        Webhook found = store.find("company-reference", referenced.id()).orElseThrow();
        assertEquals("ORDER-42", found.reference());
        assertEquals("erp", found.referenceOrigin());
        ObjectNode json = WebhookJson.render(webhooks.get(admin, referenced.id()));
        assertEquals("ORDER-42", json.get("reference").asText());
        assertEquals("erp", json.get("reference_origin").asText());

        webhooks.update(admin, referenced.id(), body("{\"name\": \"still referenced\"}"), Optional.empty());
        assertEquals("ORDER-42", webhooks.get(admin, referenced.id()).reference(), "absent leaves it as it is");
        webhooks.update(admin, referenced.id(), body("{\"reference\": null, \"reference_origin\": null}"), Optional.empty());
        assertFalse(storedItem(referenced.id()).containsKey("reference"));
        assertFalse(storedItem(referenced.id()).containsKey("reference_origin"));
        ObjectNode cleared = WebhookJson.render(webhooks.get(admin, referenced.id()));
        assertTrue(cleared.get("reference").isNull());
        assertTrue(cleared.get("reference_origin").isNull());
    }

    @Test
    void theListFiltersByExactReferenceTogetherWithTheOtherFiltersAcrossPages() {
        Principal admin = TestStack.admin("company-reference-list");
        List<String> ticketA = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ObjectNode request = ticketWebhook("ticket " + i);
            request.put("reference", "A");
            request.put("active", i != 0);
            ticketA.add(webhooks.create(admin, request, Optional.empty()).webhook().id());
        }
        ObjectNode orderA = ticketWebhook("order A");
        orderA.put("resource", "order");
        orderA.put("trigger", "paid");
        orderA.put("reference", "A");
        String orderAId = webhooks.create(admin, orderA, Optional.empty()).webhook().id();
        ObjectNode other = ticketWebhook("other");
        other.put("reference", "a");
        webhooks.create(admin, other, Optional.empty());
        webhooks.create(admin, ticketWebhook("none"), Optional.empty());

        List<String> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            Page<Webhook> page = webhooks.list(admin, new ListQuery(cursor, 2, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of("A")));
            page.items().forEach(w -> seen.add(w.id()));
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        List<String> allA = new ArrayList<>(ticketA);
        allA.add(orderAId);
        assertEquals(new HashSet<>(allA), new HashSet<>(seen), "exact match: \"a\" and unset are left out");
        assertEquals(seen.size(), new HashSet<>(seen).size());

        assertEquals(List.of(orderAId), ids(new ListQuery(Optional.empty(), 100, Optional.of("order"), Optional.empty(),
                Optional.empty(), Optional.of("A"))));
        assertEquals(List.of(ticketA.get(0)), ids(new ListQuery(Optional.empty(), 100, Optional.of("ticket"),
                Optional.of("create"), Optional.of(false), Optional.of("A"))));
        assertEquals(List.of(), ids(new ListQuery(Optional.empty(), 100, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("B"))));
    }

    private static List<String> ids(ListQuery query) {
        return webhooks.list(TestStack.admin("company-reference-list"), query).items().stream().map(Webhook::id).toList();
    }

    @Test
    void theMethodTypeIsStoredReadAndAnItemWithoutOneReadsAsPost() {
        Principal admin = TestStack.admin("company-method-type");
        Webhook plain = webhooks.create(admin, ticketWebhook("post"), Optional.empty()).webhook();
        assertEquals("POST", plain.methodType());
        assertEquals("POST", WebhookJson.render(webhooks.get(admin, plain.id())).get("method_type").asText());

        ObjectNode request = ticketWebhook("put");
        request.put("method_type", "PUT");
        Webhook put = webhooks.create(admin, request, Optional.empty()).webhook();
        assertEquals("PUT", storedItem(put.id()).get("method_type").s());
        assertEquals("PUT", store.find("company-method-type", put.id()).orElseThrow().methodType());
        assertEquals("PUT", WebhookJson.render(webhooks.get(admin, put.id())).get("method_type").asText());
        webhooks.update(admin, put.id(), body("{\"name\": \"still put\"}"), Optional.empty());
        assertEquals("PUT", webhooks.get(admin, put.id()).methodType(), "absent leaves it as it is");
        webhooks.update(admin, put.id(), body("{\"method_type\": \"POST\"}"), Optional.empty());
        assertEquals("POST", store.find("company-method-type", put.id()).orElseThrow().methodType());

        // A webhook stored before method_type existed has no attribute: it was, and stays, a POST webhook.
        Map<String, AttributeValue> old = new java.util.HashMap<>(storedItem(plain.id()));
        old.remove("method_type");
        stack.clients().dynamoDb().putItem(r -> r.tableName(stack.webhooksTable()).item(old));
        assertFalse(storedItem(plain.id()).containsKey("method_type"));
        assertEquals("POST", store.find("company-method-type", plain.id()).orElseThrow().methodType());
    }

    @Test
    void aChangeFilterIsStoredShownAndCarriedByTheUpdateTypesIndexEntriesWhichFollowItsChanges() {
        Principal admin = TestStack.admin("company-change-filter");
        ObjectNode request = ticketWebhook("sold out or price");
        request.remove(List.of("resource", "trigger"));
        request.set("events", body("[\"ticket.create\", \"ticket.update\", \"ticket.sold_out\"]"));
        request.set("change_filter", body("[{\"field\": \"status\", \"to\": \"sold_out\"}, {\"field\": \"price\"}]"));
        request.put("triggered_by_child_resources", true);
        Webhook webhook = webhooks.create(admin, request, Optional.empty()).webhook();
        ChangeFilter filter = ChangeFilter.fromJson(request.get("change_filter"));

        assertEquals(filter, store.find("company-change-filter", webhook.id()).orElseThrow().changeFilter());
        assertEquals(request.get("change_filter"), WebhookJson.render(webhooks.get(admin, webhook.id())).get("change_filter"));
        assertEquals(filter, entry("company-change-filter", "ticket.update", false).changeFilter());
        assertEquals(filter, entry("company-change-filter", "ticket.update", true).changeFilter());
        assertTrue(entry("company-change-filter", "ticket.create", false).changeFilter().isNone(), "creates are not filtered");
        assertTrue(entry("company-change-filter", "ticket.sold_out", false).changeFilter().isNone(),
                "a derived type's filter is the catalogue's, applied when matching");

        // Only the filter changes: the entries keep their keys, and still must be rewritten.
        webhooks.update(admin, webhook.id(), body("{\"change_filter\": [{\"field\": \"capacity\"}]}"), Optional.empty());
        assertEquals(ChangeFilter.fromJson(body("[{\"field\": \"capacity\"}]")),
                entry("company-change-filter", "ticket.update", false).changeFilter());
        webhooks.update(admin, webhook.id(), body("{\"name\": \"still filtered\"}"), Optional.empty());
        assertFalse(webhooks.get(admin, webhook.id()).changeFilter().isNone(), "absent leaves it as it is");
        webhooks.update(admin, webhook.id(), body("{\"change_filter\": null}"), Optional.empty());
        assertTrue(entry("company-change-filter", "ticket.update", true).changeFilter().isNone());
        assertFalse(storedItem(webhook.id()).containsKey("change_filter"), "no filter is no attribute");
        assertTrue(WebhookJson.render(webhooks.get(admin, webhook.id())).get("change_filter").isNull());
    }

    @Test
    void anInvalidChangeFilterIsRefusedWithTheOffendingField() {
        ApiException e = assertThrows(ApiException.class, () -> webhooks.create(TestStack.admin("company-bad-filter"), body("""
                {"name": "n", "url": "https://hooks.example.com/in", "resource": "ticket", "trigger": "create",
                 "change_filter": [{"field": "status", "to": {"nested": true}}]}"""), Optional.empty()));
        assertEquals(422, e.status());
        assertEquals(List.of("change_filter[0].to:invalid_type"),
                e.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList());
    }

    /** The one index entry of {@code company}'s only webhook on {@code type}. */
    private static WebhookStore.Subscription entry(String company, String type, boolean viaPropagation) {
        List<WebhookStore.Subscription> entries = new ArrayList<>();
        store.subscriptions(company, EventType.parse(type), null, viaPropagation, null).forEachRemaining(entries::add);
        assertEquals(1, entries.size());
        return entries.get(0);
    }

    @Test
    void includedResourcesAreStoredOnlyWhenAskedForAndAnItemWithoutThemIncludesNothing() {
        Principal admin = TestStack.admin("company-include");
        Webhook plain = webhooks.create(admin, ticketWebhook("includes nothing"), Optional.empty()).webhook();
        assertEquals(List.of(), plain.includeResources());
        assertFalse(storedItem(plain.id()).containsKey("include_resources"), "nothing included is no attribute");
        assertEquals(0, WebhookJson.render(webhooks.get(admin, plain.id())).get("include_resources").size());

        ObjectNode request = ticketWebhook("includes its event");
        request.putArray("include_resources").add("event");
        Webhook including = webhooks.create(admin, request, Optional.empty()).webhook();
        assertEquals(List.of("event"), storedItem(including.id()).get("include_resources").l().stream().map(AttributeValue::s).toList());
        assertEquals(List.of("event"), store.find("company-include", including.id()).orElseThrow().includeResources());
        assertEquals(Json.parse("[\"event\"]"), WebhookJson.render(webhooks.get(admin, including.id())).get("include_resources"));

        webhooks.update(admin, including.id(), body("{\"name\": \"still including\"}"), Optional.empty());
        assertEquals(List.of("event"), webhooks.get(admin, including.id()).includeResources(), "absent leaves it as it is");
        ApiException moved = assertThrows(ApiException.class, () -> webhooks.update(admin, including.id(),
                body("{\"resource\": \"event\"}"), Optional.empty()));
        assertEquals("include_resources", moved.fieldErrors().get(0).field(), "an event.create relates to nothing");
        webhooks.update(admin, including.id(), body("{\"include_resources\": []}"), Optional.empty());
        assertFalse(storedItem(including.id()).containsKey("include_resources"));
        assertEquals(List.of(), store.find("company-include", including.id()).orElseThrow().includeResources());
    }

    @Test
    void aDerivedTypeAndAChangeFilterCombineWithIncludedResources() {
        Principal admin = TestStack.admin("company-filter-include");
        ObjectNode request = ticketWebhook("sold out with its event");
        request.remove(List.of("resource", "trigger"));
        request.set("events", body("[\"ticket.update\", \"ticket.sold_out\"]"));
        request.set("change_filter", body("[{\"field\": \"price\"}]"));
        request.putArray("include_resources").add("event");
        Webhook webhook = webhooks.create(admin, request, Optional.empty()).webhook();

        Webhook stored = store.find("company-filter-include", webhook.id()).orElseThrow();
        assertEquals(ChangeFilter.fromJson(request.get("change_filter")), stored.changeFilter());
        assertEquals(List.of("event"), stored.includeResources());
        ObjectNode rendered = WebhookJson.render(webhooks.get(admin, webhook.id()));
        assertEquals(request.get("change_filter"), rendered.get("change_filter"));
        assertEquals(Json.parse("[\"event\"]"), rendered.get("include_resources"));
        assertEquals(stored.changeFilter(), entry("company-filter-include", "ticket.update", false).changeFilter());

        // Down to the derived type alone: it may still include its base update's related event, and the filter goes.
        webhooks.update(admin, webhook.id(), body("{\"events\": [\"ticket.sold_out\"], \"change_filter\": null}"),
                Optional.empty());
        Webhook narrowed = store.find("company-filter-include", webhook.id()).orElseThrow();
        assertEquals(List.of("event"), narrowed.includeResources());
        assertTrue(narrowed.changeFilter().isNone());
        ApiException unrelated = assertThrows(ApiException.class, () -> webhooks.update(admin, webhook.id(),
                body("{\"include_resources\": [\"shop\"]}"), Optional.empty()));
        assertEquals(List.of("include_resources[0]:unrelated_resource"),
                unrelated.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList());
    }

    /** The webhook's own item as stored; its index entries carry {@code webhook_id}, not {@code id}. */
    private static Map<String, AttributeValue> storedItem(String webhookId) {
        List<Map<String, AttributeValue>> items = stack.clients().dynamoDb().scan(request -> request
                .tableName(stack.webhooksTable()).filterExpression("id = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(webhookId)))).items();
        assertEquals(1, items.size());
        return items.get(0);
    }

    @Test
    void aWriteBasedOnAStaleReadLosesInsteadOfOverwriting() {
        Principal admin = TestStack.admin("company-race");
        Webhook created = webhooks.create(admin, ticketWebhook("raced"), Optional.empty()).webhook();
        webhooks.update(admin, created.id(), body("{\"name\": \"winner\"}"), Optional.empty());
        Webhook stale = created.toBuilder().name("loser").revise(Instant.now());
        assertThrows(dev.hookline.storage.ConcurrentModificationException.class,
                () -> store.update(created, stale, WebhookVersion.of(Action.UPDATE, admin.keyId(), created, stale)));
        assertEquals("winner", webhooks.get(admin, created.id()).name());
        List<WebhookVersion> history = webhooks.versions(admin, created.id(), Optional.empty(), 20).items();
        assertEquals(List.of(2L, 1L), history.stream().map(WebhookVersion::version).toList(), "the losing write left no version");
        assertEquals("winner", history.get(0).changes().get("name").get("to").asText());
    }

    @Test
    void deletedWebhooksStopMatchingAtOnceAndLeaveTheApiButNotTheSystem() {
        Principal admin = TestStack.admin("company-delete");
        Webhook created = webhooks.create(admin, ticketWebhook("doomed"), Optional.empty()).webhook();
        webhooks.delete(admin, created.id(), Optional.empty());
        assertEquals(Set.of(), subscribers("company-delete", "ticket.create", null, false));
        assertEquals(404, assertThrows(ApiException.class, () -> webhooks.get(admin, created.id())).status());
        assertEquals(404, assertThrows(ApiException.class, () -> webhooks.delete(admin, created.id(), Optional.empty())).status());
        assertTrue(store.find("company-delete", created.id()).orElseThrow().deleted());
    }

    @Test
    void tenantsNeverSeeOrChangeEachOthersWebhooks() {
        Webhook theirs = webhooks.create(TestStack.admin("company-a"), ticketWebhook("a's"), Optional.empty()).webhook();
        Principal intruder = TestStack.admin("company-b");
        for (var attempt : List.<Runnable>of(
                () -> webhooks.get(intruder, theirs.id()),
                () -> webhooks.update(intruder, theirs.id(), body("{\"name\": \"mine\"}"), Optional.empty()),
                () -> webhooks.delete(intruder, theirs.id(), Optional.empty()),
                () -> webhooks.rotateSecret(intruder, theirs.id(), Optional.empty()))) {
            ApiException e = assertThrows(ApiException.class, attempt::run);
            assertEquals(404, e.status());
            assertEquals("No webhook with this id.", e.getMessage());
        }
        assertTrue(webhooks.list(intruder, new ListQuery(Optional.empty(), 100, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())).items().isEmpty());
        assertEquals("a's", webhooks.get(TestStack.admin("company-a"), theirs.id()).name());
    }

    @Test
    void readersMayReadButNotWrite() {
        Webhook created = webhooks.create(TestStack.admin("company-scopes"), ticketWebhook("scoped"), Optional.empty()).webhook();
        Principal reader = TestStack.reader("company-scopes");
        assertEquals("scoped", webhooks.get(reader, created.id()).name());
        ApiException e = assertThrows(ApiException.class, () -> webhooks.delete(reader, created.id(), Optional.empty()));
        assertEquals(403, e.status());
        assertEquals("insufficient_scope", e.code());
    }

    @Test
    void rotationIssuesANewSecretWhileThePreviousOneKeepsSigning() {
        Principal admin = TestStack.admin("company-rotate");
        WebhookService.WithSecret created = webhooks.create(admin, ticketWebhook("rotating"), Optional.empty());
        WebhookService.WithSecret rotated = webhooks.rotateSecret(admin, created.webhook().id(), Optional.empty());
        assertNotEquals(created.secret(), rotated.secret());
        Webhook stored = webhooks.get(admin, created.webhook().id());
        assertEquals(List.of(rotated.secret(), created.secret()), webhooks.signingSecrets(stored, Instant.now()));
        assertEquals(List.of(rotated.secret()), webhooks.signingSecrets(stored, Instant.now().plusSeconds(24 * 3600 + 1)));
    }

    @Test
    void everySecretInItsOverlapSignsUpToThreeSecrets() {
        Principal admin = TestStack.admin("company-rotate-cap");
        WebhookService.WithSecret created = webhooks.create(admin, ticketWebhook("rotating often"), Optional.empty());
        String id = created.webhook().id();
        String second = webhooks.rotateSecret(admin, id, Optional.empty()).secret();
        String third = webhooks.rotateSecret(admin, id, Optional.empty()).secret();
        assertEquals(List.of(third, second, created.secret()), webhooks.signingSecrets(webhooks.get(admin, id), Instant.now()));

        String fourth = webhooks.rotateSecret(admin, id, Optional.empty()).secret();
        assertEquals(List.of(fourth, third, second), webhooks.signingSecrets(webhooks.get(admin, id), Instant.now()));
    }

    @Test
    void verifiesSignaturesMadeWithTheCurrentOrPreviousSecret() {
        Principal admin = TestStack.admin("company-verify");
        WebhookService.WithSecret created = webhooks.create(admin, ticketWebhook("verify"), Optional.empty());
        String id = created.webhook().id();
        String payload = "{\"type\":\"ticket.create\"}";
        long now = Instant.now().getEpochSecond();
        String oldSignature = StandardWebhooks.sign(created.secret(), "msg_1", now, payload.getBytes(StandardCharsets.UTF_8));
        webhooks.rotateSecret(admin, id, Optional.empty());
        assertEquals(StandardWebhooks.Verification.VALID, webhooks.verifySignature(admin, id, verifyBody(payload, now, oldSignature)));
        assertEquals(StandardWebhooks.Verification.INVALID_SIGNATURE,
                webhooks.verifySignature(admin, id, verifyBody(payload + " ", now, oldSignature)));
        assertEquals(StandardWebhooks.Verification.TIMESTAMP_TOO_OLD,
                webhooks.verifySignature(admin, id, verifyBody(payload, now - 3600, oldSignature)));
    }

    @Test
    void everyChangeIsAVersionNewestFirstWithTheKeyThatMadeItAndNoSecret() {
        String company = "company-versions";
        Principal creator = new Principal(company, "key-creator", Set.of(Scope.ADMIN));
        Principal editor = new Principal(company, "key-editor", Set.of(Scope.ADMIN));
        WebhookService.WithSecret created = webhooks.create(creator, ticketWebhook("versioned"), Optional.empty());
        String id = created.webhook().id();
        Webhook renamed = webhooks.update(editor, id,
                body("{\"name\": \"renamed\", \"metadata\": {\"team\": \"ops\"}}"), Optional.empty());
        String rotatedSecret = webhooks.rotateSecret(editor, id, Optional.empty()).secret();
        Webhook beforeDelete = webhooks.get(creator, id);
        webhooks.delete(creator, id, Optional.empty());

        // Readable after the delete too: the delete is the last version.
        List<WebhookVersion> history = webhooks.versions(TestStack.reader(company), id, Optional.empty(), 20).items();

        assertEquals(List.of(4L, 3L, 2L, 1L), history.stream().map(WebhookVersion::version).toList());
        assertEquals(List.of(Action.DELETE, Action.ROTATE_SECRET, Action.UPDATE, Action.CREATE),
                history.stream().map(WebhookVersion::action).toList());
        assertEquals(List.of("key-creator", "key-editor", "key-editor", "key-creator"),
                history.stream().map(WebhookVersion::apiKeyId).toList());
        assertEquals(renamed.updatedAt(), history.get(2).changedAt());
        assertEquals(body("""
                {"name": {"from": "versioned", "to": "renamed"}, "metadata.team": {"from": null, "to": "ops"}}"""),
                history.get(2).changes());
        assertEquals(body("{\"secret\": \"rotated\"}"), history.get(1).changes());
        assertEquals(body("[\"ticket.create\"]"), history.get(3).changes().get("events").get("to"));
        String rendered = history.stream().map(v -> Json.write(WebhookJson.renderVersion(v))).reduce("", String::concat);
        for (String secret : List.of(created.secret(), rotatedSecret, beforeDelete.secrets().current().sealed(),
                beforeDelete.secrets().retired().get(0).secret().sealed())) {
            assertFalse(rendered.contains(secret), "no secret, plain or sealed, in the history");
        }
    }

    @Test
    void versionsArePagedWithACursorOnlyThisWebhooksListingAccepts() {
        Principal admin = TestStack.admin("company-version-pages");
        String id = webhooks.create(admin, ticketWebhook("paged"), Optional.empty()).webhook().id();
        for (int retries = 4; retries <= 7; retries++) {
            webhooks.update(admin, id, body("{\"retries\": " + retries + "}"), Optional.empty());
        }

        Page<WebhookVersion> first = webhooks.versions(admin, id, Optional.empty(), 2);
        Page<WebhookVersion> second = webhooks.versions(admin, id, first.nextCursor(), 2);
        Page<WebhookVersion> last = webhooks.versions(admin, id, second.nextCursor(), 2);

        assertEquals(List.of(5L, 4L), first.items().stream().map(WebhookVersion::version).toList());
        assertEquals(List.of(3L, 2L), second.items().stream().map(WebhookVersion::version).toList());
        assertEquals(List.of(1L), last.items().stream().map(WebhookVersion::version).toList());
        assertTrue(last.nextCursor().isEmpty());
        assertTrue(webhooks.versions(admin, id, Optional.empty(), 5).nextCursor().isEmpty(), "a page that holds the rest has no cursor");
        String other = webhooks.create(admin, ticketWebhook("other"), Optional.empty()).webhook().id();
        ApiException e = assertThrows(ApiException.class, () -> webhooks.versions(admin, other, first.nextCursor(), 2));
        assertEquals(422, e.status());
        assertEquals("cursor", e.fieldErrors().get(0).field());
    }

    @Test
    void anotherTenantsWebhookHasNoHistoryToRead() {
        Webhook theirs = webhooks.create(TestStack.admin("company-history-a"), ticketWebhook("a's"), Optional.empty()).webhook();
        Principal intruder = TestStack.admin("company-history-b");
        for (String id : List.of(theirs.id(), "00000000-0000-0000-0000-000000000000", "not-a-uuid")) {
            ApiException e = assertThrows(ApiException.class, () -> webhooks.versions(intruder, id, Optional.empty(), 20));
            assertEquals(404, e.status());
            assertEquals("No webhook with this id.", e.getMessage());
        }
        assertEquals(1, webhooks.versions(TestStack.reader("company-history-a"), theirs.id(), Optional.empty(), 20).items().size());
    }

    private static JsonNode verifyBody(String payload, long timestamp, String signature) {
        ObjectNode body = Json.object();
        body.put("payload", payload);
        body.putObject("headers")
                .put("webhook-id", "msg_1")
                .put("webhook-timestamp", Long.toString(timestamp))
                .put("Webhook-Signature", signature);
        return body;
    }
}
