package dev.hookline.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.errors.ApiException;
import dev.hookline.json.Json;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.SecretRing;
import dev.hookline.model.Webhook;
import dev.hookline.rules.EventCatalog;
import dev.hookline.secrets.EncryptedSecret;
import dev.hookline.security.UrlGuard;
import dev.hookline.testing.TestStack;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookRequestsTest {

    private final WebhookRequests requests = new WebhookRequests(EventCatalog.standard(),
            new UrlGuard(UrlGuard.Policy.deployed(), TestStack.RESOLVER));

    private List<String> errors(String json) {
        ApiException e = assertThrows(ApiException.class, () -> requests.parseCreate(Json.parse(json)));
        assertEquals(422, e.status());
        return e.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList();
    }

    private static Webhook existing(List<EventType> events) {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        return new Webhook("96007e9b-b570-454c-aa3b-66a33a88280a", "company", "name", null, "https://hooks.example.com/x",
                Webhook.POST, events, ChangeFilter.NONE, null, false, 3, 0, true, Map.of(), null, null, List.of(), SecretRing.of(new EncryptedSecret("v1", "sealed")), 1, now, now, null);
    }

    @Test
    void appliesDocumentedDefaults() {
        WebhookRequests.NewWebhook parsed = requests.parseCreate(Json.parse("""
                {"name": " Orders ", "url": "https://hooks.example.com/o", "events": ["order.paid", "order.create"]}"""));
        assertEquals("Orders", parsed.name());
        assertEquals(WebhookRequests.DEFAULT_RETRIES, parsed.retries());
        assertEquals(0, parsed.rateLimit(), "no rate limit unless asked for");
        assertEquals("POST", parsed.methodType(), "POST unless PUT is asked for");
        assertEquals(null, parsed.reference());
        assertEquals(null, parsed.referenceOrigin());
        assertEquals(List.of(), parsed.includeResources(), "no included resources unless asked for");
        assertTrue(parsed.active());
        assertEquals(List.of(EventType.parse("order.paid"), EventType.parse("order.create")), parsed.events());
        assertTrue(parsed.customSecret().isEmpty());
    }

    @Test
    void requiresNameUrlAndAnEventChoice() {
        assertEquals(List.of("name:required", "url:required", "events:required"), errors("{}"));
    }

    @Test
    void refusesMixingThePairAndTheList() {
        assertEquals(List.of("events:conflicting_fields"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "resource": "ticket", "trigger": "create", "events": ["ticket.create"]}"""));
    }

    @Test
    void namesEachBadEntryOfTheEventList() {
        assertEquals(List.of("events[1]:invalid_event_type", "events[2]:unsupported_event_type", "events[3]:duplicate",
                "events[4]:invalid_type"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create", "ticket", "scanner.create", "ticket.create", 7]}"""));
        assertEquals(List.of("events:out_of_range"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": []}"""));
    }

    @Test
    void distinguishesUnknownResourcesTriggersAndPairs() {
        assertEquals(List.of("resource:unknown_resource", "trigger:unknown_trigger"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "resource": "invoice", "trigger": "refund"}"""));
        assertEquals(List.of("trigger:unsupported_event_type"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "resource": "scanner", "trigger": "paid"}"""));
    }

    @Test
    void checksTypesAndBounds() {
        assertEquals(List.of("name:invalid_type", "retries:invalid_type", "active:invalid_type", "metadata:invalid_type"), errors("""
                {"name": 5, "url": "https://hooks.example.com", "events": ["ticket.create"], "retries": "3", "active": "yes", "metadata": []}"""));
        assertEquals(List.of("name:too_long"), errors("""
                {"name": "%s", "url": "https://hooks.example.com", "events": ["ticket.create"]}""".formatted("n".repeat(256))));
    }

    @ParameterizedTest(name = "rate_limit {0}")
    @ValueSource(ints = {1, 300})
    void acceptsRateLimitsFromOneToEventBridgesMaximum(int rateLimit) {
        WebhookRequests.NewWebhook parsed = requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "rate_limit": %d}"""
                .formatted(rateLimit)));
        assertEquals(rateLimit, parsed.rateLimit());
        Webhook patched = requests.applyPatch(existing(List.of(EventType.parse("ticket.create"))),
                Json.parse("{\"rate_limit\": %d}".formatted(rateLimit))).revise(Instant.now());
        assertEquals(rateLimit, patched.rateLimit());
        assertTrue(patched.rateLimited());
    }

    @Test
    void aNullRateLimitOnCreateMeansNoLimit() {
        assertEquals(0, requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "rate_limit": null}""")).rateLimit());
    }

    @ParameterizedTest(name = "rate_limit {0}")
    @CsvSource(delimiter = '|', value = {"0|out_of_range", "301|out_of_range", "-1|out_of_range", "1.5|invalid_type",
            "\"5\"|invalid_type", "true|invalid_type"})
    void refusesRateLimitsThatAreNotAnIntegerFromOneTo300(String json, String code) {
        assertEquals(List.of("rate_limit:" + code), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "rate_limit": %s}""".formatted(json)));
        Webhook webhook = existing(List.of(EventType.parse("ticket.create")));
        ApiException e = assertThrows(ApiException.class,
                () -> requests.applyPatch(webhook, Json.parse("{\"rate_limit\": %s}".formatted(json))));
        assertEquals(422, e.status());
        assertEquals(List.of("rate_limit:" + code), e.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList());
    }

    @Test
    void patchNullRemovesTheRateLimitAndAbsenceKeepsIt() {
        Webhook limited = existing(List.of(EventType.parse("ticket.create"))).toBuilder().rateLimit(50).revise(Instant.now());
        assertEquals(50, requests.applyPatch(limited, Json.parse("{\"name\": \"renamed\"}")).revise(Instant.now()).rateLimit());
        Webhook unlimited = requests.applyPatch(limited, Json.parse("{\"rate_limit\": null}")).revise(Instant.now());
        assertEquals(0, unlimited.rateLimit());
        assertFalse(unlimited.rateLimited());
    }

    @Test
    void acceptsReferencesOfOneTo255CharactersOnCreateAndPatch() {
        String longest = "r".repeat(255);
        WebhookRequests.NewWebhook parsed = requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"],
                 "reference": "ORDER-1", "reference_origin": "%s"}""".formatted(longest)));
        assertEquals("ORDER-1", parsed.reference());
        assertEquals(longest, parsed.referenceOrigin());
        Webhook patched = requests.applyPatch(existing(List.of(EventType.parse("ticket.create"))),
                Json.parse("{\"reference\": \"%s\", \"reference_origin\": \"x\"}".formatted(longest))).revise(Instant.now());
        assertEquals(longest, patched.reference());
        assertEquals("x", patched.referenceOrigin());
    }

    @ParameterizedTest(name = "reference {0}")
    @CsvSource(delimiter = '|', value = {"\"\"|invalid_value", "\"  \"|invalid_value", "STRING_256|too_long",
            "7|invalid_type", "true|invalid_type", "{}|invalid_type", "[\"a\"]|invalid_type"})
    void refusesReferencesThatAreNotStringsOfOneTo255Characters(String json, String code) {
        String value = json.replace("STRING_256", "\"" + "r".repeat(256) + "\"");
        assertEquals(List.of("reference:" + code, "reference_origin:" + code), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"],
                 "reference": %1$s, "reference_origin": %1$s}""".formatted(value)));
        Webhook webhook = existing(List.of(EventType.parse("ticket.create")));
        ApiException e = assertThrows(ApiException.class, () -> requests.applyPatch(webhook,
                Json.parse("{\"reference\": %1$s, \"reference_origin\": %1$s}".formatted(value))));
        assertEquals(422, e.status());
        assertEquals(List.of("reference:" + code, "reference_origin:" + code),
                e.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList());
    }

    @Test
    void patchNullClearsAReferenceAndAbsenceKeepsIt() {
        Webhook referenced = existing(List.of(EventType.parse("ticket.create"))).toBuilder()
                .reference("ORDER-1").referenceOrigin("shop").revise(Instant.now());
        Webhook renamed = requests.applyPatch(referenced, Json.parse("{\"name\": \"renamed\"}")).revise(Instant.now());
        assertEquals("ORDER-1", renamed.reference());
        assertEquals("shop", renamed.referenceOrigin());
        Webhook cleared = requests.applyPatch(referenced, Json.parse("{\"reference\": null}")).revise(Instant.now());
        assertEquals(null, cleared.reference());
        assertEquals("shop", cleared.referenceOrigin(), "each field is cleared on its own");
        assertEquals(null, requests.applyPatch(referenced, Json.parse("{\"reference_origin\": null}"))
                .revise(Instant.now()).referenceOrigin());
    }

    @ParameterizedTest(name = "method_type {0}")
    @ValueSource(strings = {"POST", "PUT"})
    void acceptsTjarsMethodTypesOnCreateAndPatch(String methodType) {
        assertEquals(methodType, requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "method_type": "%s"}"""
                .formatted(methodType))).methodType());
        Webhook put = existing(List.of(EventType.parse("ticket.create"))).toBuilder().methodType("PUT").revise(Instant.now());
        assertEquals(methodType, requests.applyPatch(put, Json.parse("{\"method_type\": \"%s\"}".formatted(methodType)))
                .revise(Instant.now()).methodType());
        assertEquals("PUT", requests.applyPatch(put, Json.parse("{\"name\": \"renamed\"}")).revise(Instant.now()).methodType(),
                "absent keeps the method");
    }

    @ParameterizedTest(name = "method_type {0}")
    @ValueSource(strings = {"\"put\"", "\"Post\"", "\" PUT\"", "\"PATCH\"", "\"GET\"", "\"\"", "null", "1", "true",
            "[\"PUT\"]"})
    void refusesAnyOtherMethodType(String json) {
        assertEquals(List.of("method_type:invalid_value"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "method_type": %s}"""
                .formatted(json)));
        Webhook webhook = existing(List.of(EventType.parse("ticket.create")));
        ApiException e = assertThrows(ApiException.class,
                () -> requests.applyPatch(webhook, Json.parse("{\"method_type\": %s}".formatted(json))));
        assertEquals(List.of("method_type:invalid_value"), e.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList());
    }

    @Test
    void acceptsIncludeResourcesRelatedToTheEventsThatReachTheWebhook() {
        assertEquals(List.of("shop", "event"), requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["order.create"],
                 "include_resources": ["shop", "event"]}""")).includeResources());
        assertEquals(List.of("event"), requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "resource": "event", "trigger": "create",
                 "triggered_by_child_resources": true, "include_resources": ["event"]}""")).includeResources(),
                "a propagated ticket.create carries its event");
        for (String none : List.of("null", "[]")) {
            assertEquals(List.of(), requests.parseCreate(Json.parse("""
                    {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "include_resources": %s}"""
                    .formatted(none))).includeResources());
        }
    }

    @ParameterizedTest(name = "include_resources {0}")
    @CsvSource(delimiter = '|', value = {
            "\"event\"|include_resources:invalid_type",
            "{}|include_resources:invalid_type",
            "[1]|include_resources[0]:invalid_type",
            "[\"venue\"]|include_resources[0]:unknown_resource",
            "[\"event\", \"event\"]|include_resources[1]:duplicate",
            "[\"shop\"]|include_resources[0]:unrelated_resource",
            "[\"event\", \"ticket\", \"shop\"]|include_resources[1]:unrelated_resource include_resources[2]:unrelated_resource",
            "[\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\"]|include_resources:out_of_range"})
    void refusesIncludeResourcesThatAreNotResourcesRelatedToTheWebhooksEvents(String json, String expected) {
        assertEquals(List.of(expected.split(" ")), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "include_resources": %s}"""
                .formatted(json)));
        Webhook webhook = existing(List.of(EventType.parse("ticket.create")));
        ApiException e = assertThrows(ApiException.class,
                () -> requests.applyPatch(webhook, Json.parse("{\"include_resources\": %s}".formatted(json))));
        assertEquals(List.of(expected.split(" ")), e.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList());
    }

    @Test
    void aPatchChecksTheIncludedResourcesAgainstTheEventsAndPropagationItLeaves() {
        Webhook orders = existing(List.of(EventType.parse("order.create"))).toBuilder()
                .includeResources(List.of("shop")).revise(Instant.now());
        assertEquals(List.of("shop"), requests.applyPatch(orders, Json.parse("{\"name\": \"renamed\"}"))
                .revise(Instant.now()).includeResources(), "absent keeps the list");
        assertEquals(List.of(), requests.applyPatch(orders, Json.parse("{\"include_resources\": null}"))
                .revise(Instant.now()).includeResources(), "null clears it");

        ApiException moved = assertThrows(ApiException.class,
                () -> requests.applyPatch(orders, Json.parse("{\"events\": [\"ticket.create\"]}")));
        assertEquals(List.of("include_resources:unrelated_resource"),
                moved.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList(), "no ticket event relates to a shop");
        assertTrue(moved.fieldErrors().get(0).message().contains("'shop'"), moved.fieldErrors().get(0).message());
        Webhook both = requests.applyPatch(orders, Json.parse("""
                {"events": ["ticket.create"], "include_resources": ["event"]}""")).revise(Instant.now());
        assertEquals(List.of("event"), both.includeResources());

        Webhook propagated = existing(List.of(EventType.parse("event.create"))).toBuilder()
                .triggeredByChildResources(true).includeResources(List.of("event")).revise(Instant.now());
        ApiException stopped = assertThrows(ApiException.class, () -> requests.applyPatch(propagated,
                Json.parse("{\"triggered_by_child_resources\": false}")));
        assertEquals(List.of("include_resources:unrelated_resource"),
                stopped.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList(),
                "without propagation only event events reach it, and they relate to nothing");
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {"0000", "0007", "0009", "000A", "000D", "001B", "001F", "007F", "0085", "009F"})
    void refusesControlCharactersInNamesDescriptionsAndMetadataOnThatField(String hex) {
        String control = "\\u" + hex;
        assertEquals(List.of("name:invalid_characters", "description:invalid_characters", "metadata.team:invalid_characters",
                "metadata.a%sb:invalid_characters".formatted((char) Integer.parseInt(hex, 16))), errors("""
                {"name": "a%1$sb", "description": "x%1$s", "url": "https://hooks.example.com", "events": ["ticket.create"],
                 "metadata": {"team": "%1$sops", "a%1$sb": "v"}}""".formatted(control)));
        Webhook webhook = existing(List.of(EventType.parse("ticket.create")));
        ApiException e = assertThrows(ApiException.class,
                () -> requests.applyPatch(webhook, Json.parse("{\"name\": \"x%sy\"}".formatted(control))));
        assertEquals("name:invalid_characters", e.fieldErrors().get(0).field() + ":" + e.fieldErrors().get(0).code());
    }

    @Test
    void keepsPrintableTextAroundTheControlRanges() {
        WebhookRequests.NewWebhook parsed = requests.parseCreate(Json.parse("""
                {"name": "Zoë ~ \u00a0 € 😀", "url": "https://hooks.example.com/o", "events": ["ticket.create"],
                 "metadata": {"note": "line \u2028 sep"}}"""));
        assertEquals("Zoë ~ \u00a0 € 😀", parsed.name());
    }

    private List<String> patchErrors(Webhook webhook, String json) {
        ApiException e = assertThrows(ApiException.class, () -> requests.applyPatch(webhook, Json.parse(json)));
        assertEquals(422, e.status());
        return e.fieldErrors().stream().map(f -> f.field() + ":" + f.code()).toList();
    }

    @Test
    void acceptsAChangeFilterOfFieldsWithOptionalFromAndToValues() {
        WebhookRequests.NewWebhook parsed = requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create", "ticket.update"],
                 "change_filter": [{"field": "status", "from": "active", "to": "sold_out"}, {"field": "price"},
                                   {"field": "capacity", "to": 0}, {"field": "note", "to": null}]}"""));
        assertEquals(Json.parse("""
                [{"field": "status", "from": "active", "to": "sold_out"}, {"field": "price"}, {"field": "capacity", "to": 0},
                 {"field": "note", "to": null}]"""), parsed.changeFilter().toJson(), "to: null is a value, not 'any'");
        assertTrue(requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.update"], "change_filter": null}"""))
                .changeFilter().isNone(), "null is no filter");
    }

    @Test
    void derivedTypesAreSubscribableAsListEntriesAndAsAPair() {
        assertEquals(List.of(EventType.parse("ticket.sold_out"), EventType.parse("ticket.price_changed")), requests.parseCreate(
                Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.sold_out", "ticket.price_changed"]}"""))
                .events());
        assertEquals(List.of(EventType.parse("ticket.sold_out")), requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "resource": "ticket", "trigger": "sold_out"}""")).events());
        assertEquals(List.of("trigger:unsupported_event_type"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "resource": "order", "trigger": "sold_out"}"""));
    }

    @ParameterizedTest(name = "change_filter {0}")
    @CsvSource(delimiter = '|', value = {
            "\"status\"|change_filter:invalid_type",
            "{\"field\": \"status\"}|change_filter:invalid_type",
            "[]|change_filter:out_of_range",
            "ELEVEN|change_filter:out_of_range",
            "[\"status\"]|change_filter[0]:invalid_type",
            "[{}]|change_filter[0].field:required",
            "[{\"field\": \"\"}]|change_filter[0].field:required",
            "[{\"field\": 7}]|change_filter[0].field:invalid_type",
            "[{\"field\": \"LONG_FIELD\"}]|change_filter[0].field:too_long",
            "[{\"field\": \"a\\u0000b\"}]|change_filter[0].field:invalid_characters",
            "[{\"field\": \"status\", \"into\": \"x\"}]|change_filter[0].into:unknown_field",
            "[{\"field\": \"status\", \"to\": [\"x\"]}]|change_filter[0].to:invalid_type",
            "[{\"field\": \"status\", \"from\": {}}]|change_filter[0].from:invalid_type",
            "[{\"field\": \"status\", \"to\": \"LONG_VALUE\"}]|change_filter[0].to:too_long",
            "[{\"field\": \"status\"}, {\"field\": \"status\"}]|change_filter[1]:duplicate"})
    void refusesInvalidChangeFiltersNamingTheOffendingPart(String json, String error) {
        String filter = json.replace("ELEVEN", "[" + String.join(", ", java.util.Collections.nCopies(11, "{\"field\": \"f\"}")) + "]")
                .replace("LONG_FIELD", "f".repeat(129)).replace("LONG_VALUE", "v".repeat(256));
        assertEquals(List.of(error), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.update"], "change_filter": %s}"""
                .formatted(filter)));
        assertEquals(List.of(error), patchErrors(existing(List.of(EventType.parse("ticket.update"))),
                "{\"change_filter\": %s}".formatted(filter)));
    }

    @Test
    void aChangeFilterNeedsAnUpdateTypeAndTheErrorNamesWhatTheRequestChanged() {
        assertEquals(List.of("change_filter:conflicting_fields"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create", "ticket.sold_out"],
                 "change_filter": [{"field": "status"}]}"""));
        Webhook filtered = existing(List.of(EventType.parse("ticket.update"))).toBuilder()
                .changeFilter(ChangeFilter.fromJson(Json.parse("[{\"field\": \"status\"}]"))).revise(Instant.now());
        assertEquals(List.of("events:conflicting_fields"), patchErrors(filtered, "{\"events\": [\"ticket.create\"]}"));
        assertEquals(List.of("trigger:conflicting_fields"), patchErrors(filtered, "{\"trigger\": \"create\"}"));
        assertTrue(requests.applyPatch(filtered, Json.parse("{\"trigger\": \"create\", \"change_filter\": null}"))
                .revise(Instant.now()).changeFilter().isNone(), "dropping the filter with the update type is fine");
        assertEquals(List.of("change_filter:conflicting_fields"), patchErrors(existing(List.of(EventType.parse("ticket.create"))),
                "{\"change_filter\": [{\"field\": \"status\"}]}"));
    }

    @Test
    void patchKeepsTheChangeFilterWhenAbsentAndNullClearsIt() {
        Webhook filtered = existing(List.of(EventType.parse("ticket.update"))).toBuilder()
                .changeFilter(ChangeFilter.fromJson(Json.parse("[{\"field\": \"status\"}]"))).revise(Instant.now());
        assertEquals(filtered.changeFilter(), requests.applyPatch(filtered, Json.parse("{\"events\": [\"event.update\"]}"))
                .revise(Instant.now()).changeFilter());
        assertTrue(requests.applyPatch(filtered, Json.parse("{\"change_filter\": null}")).revise(Instant.now())
                .changeFilter().isNone());
    }

    @Test
    void aDerivedTypeOrAFilteredUpdateMayIncludeWhatItsBaseUpdateRelatesTo() {
        WebhookRequests.NewWebhook parsed = requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.sold_out", "ticket.update"],
                 "change_filter": [{"field": "price"}], "include_resources": ["event"]}"""));
        assertEquals(List.of("event"), parsed.includeResources());
        assertEquals(Json.parse("[{\"field\": \"price\"}]"), parsed.changeFilter().toJson());
        assertEquals(List.of("event"), requests.parseCreate(Json.parse("""
                {"name": "n", "url": "https://hooks.example.com", "resource": "ticket", "trigger": "sold_out",
                 "include_resources": ["event"]}""")).includeResources(), "a sold-out ticket's update carries its event");
        assertEquals(List.of("include_resources[0]:unrelated_resource"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.sold_out"], "include_resources": ["shop"]}"""));
        assertEquals(List.of("change_filter:conflicting_fields", "include_resources[0]:unrelated_resource"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"],
                 "change_filter": [{"field": "status"}], "include_resources": ["shop"]}"""), "both problems at once");

        Webhook soldOut = existing(List.of(EventType.parse("ticket.sold_out"))).toBuilder()
                .includeResources(List.of("event")).revise(Instant.now());
        Webhook filtered = requests.applyPatch(soldOut, Json.parse("""
                {"events": ["ticket.update"], "change_filter": [{"field": "status", "to": "sold_out"}]}""")).revise(Instant.now());
        assertEquals(List.of("event"), filtered.includeResources(), "the kept list still relates to ticket updates");
        assertFalse(filtered.changeFilter().isNone());
        assertEquals(List.of("include_resources:unrelated_resource"), patchErrors(filtered,
                "{\"events\": [\"event.update\"], \"change_filter\": null}"));
    }

    @Test
    void acceptsStrongCustomSecretsOnly() {
        assertEquals(List.of("secret:weak_secret"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "secret": "too-short"}"""));
        assertEquals(List.of("secret:invalid_secret"), errors("""
                {"name": "n", "url": "https://hooks.example.com", "events": ["ticket.create"], "secret": "whsec_AAAA"}"""));
    }

    @Test
    void patchChangesOneHalfOfASinglePairSubscription() {
        Webhook webhook = existing(List.of(EventType.parse("ticket.create")));
        Webhook next = requests.applyPatch(webhook, Json.parse("{\"trigger\": \"delete\"}")).revise(Instant.now());
        assertEquals(List.of(EventType.parse("ticket.delete")), next.events());
        assertEquals(2, next.version());
    }

    @Test
    void patchOfOneHalfNeedsBothWhenTheWebhookHasSeveralEvents() {
        Webhook webhook = existing(List.of(EventType.parse("ticket.create"), EventType.parse("ticket.update")));
        ApiException e = assertThrows(ApiException.class, () -> requests.applyPatch(webhook, Json.parse("{\"trigger\": \"delete\"}")));
        assertEquals("resource", e.fieldErrors().get(0).field(), "the missing half is named");
    }

    @Test
    void patchNullClearsOptionalFieldsButNotRequiredOnes() {
        Webhook webhook = existing(List.of(EventType.parse("ticket.create"))).toBuilder()
                .description("old").identifier("event-1").revise(Instant.now());
        Webhook cleared = requests.applyPatch(webhook, Json.parse("{\"description\": null, \"identifier\": \"\"}")).revise(Instant.now());
        assertEquals(null, cleared.description());
        assertEquals(null, cleared.identifier());
        ApiException e = assertThrows(ApiException.class, () -> requests.applyPatch(webhook, Json.parse("{\"name\": null}")));
        assertEquals("name:required", e.fieldErrors().get(0).field() + ":" + e.fieldErrors().get(0).code());
    }

    @Test
    void refusesABodyThatIsNotAnObject() {
        ApiException e = assertThrows(ApiException.class, () -> requests.parseCreate(Json.parse("[1, 2]")));
        assertEquals(400, e.status());
    }
}
