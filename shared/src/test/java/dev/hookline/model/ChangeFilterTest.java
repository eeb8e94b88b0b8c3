package dev.hookline.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeFilterTest {

    /** The producer contract's sample update: status active → sold_out, price 2500 → 2750. */
    private static final Optional<ObjectNode> SOLD_OUT = Optional.of((ObjectNode) Json.parse("""
            {"status": {"from": "active", "to": "sold_out"}, "price": {"from": 2500, "to": 2750},
             "note": {"from": "x", "to": null}}"""));

    private static ChangeFilter filter(String json) {
        return ChangeFilter.fromJson(Json.parse(json));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "[{\"field\": \"status\"}]|true",
            "[{\"field\": \"status\", \"to\": \"sold_out\"}]|true",
            "[{\"field\": \"status\", \"from\": \"active\", \"to\": \"sold_out\"}]|true",
            "[{\"field\": \"status\", \"to\": \"active\"}]|false",
            "[{\"field\": \"status\", \"from\": \"paused\"}]|false",
            "[{\"field\": \"capacity\"}]|false",
            "[{\"field\": \"capacity\"}, {\"field\": \"price\"}]|true",
            "[{\"field\": \"price\", \"to\": 2750}]|true",
            "[{\"field\": \"price\", \"to\": 2750.0}]|true",
            "[{\"field\": \"price\", \"to\": \"2750\"}]|false",
            "[{\"field\": \"note\", \"to\": null}]|true",
            "[{\"field\": \"note\", \"from\": null}]|false"})
    void anUpdatePassesWhenAnyConditionHolds(String filter, boolean passes) {
        assertEquals(passes, filter(filter).matches(SOLD_OUT));
    }

    @Test
    void noFilterPassesEveryEventAndAFilterNoneWithoutChanges() {
        assertTrue(ChangeFilter.NONE.matches(Optional.empty()));
        assertTrue(ChangeFilter.NONE.matches(SOLD_OUT));
        assertFalse(filter("[{\"field\": \"status\"}]").matches(Optional.empty()), "an update that names no changes");
        assertTrue(filter("null").isNone());
    }

    @Test
    void itsJsonFormReadsBackAsTheSameFilter() {
        ChangeFilter filter = filter("[{\"field\": \"status\", \"from\": null, \"to\": \"sold_out\"}, {\"field\": \"price\"}]");
        assertEquals(filter, ChangeFilter.fromJson(Json.parse(Json.write(filter.toJson()))));
    }

    @Test
    void refusesDataThatIsNoFilter() {
        assertThrows(IllegalArgumentException.class, () -> filter("{\"field\": \"status\"}"));
        assertThrows(IllegalArgumentException.class, () -> filter("[{\"to\": \"sold_out\"}]"));
    }
}
