package dev.hookline.queues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

    @ParameterizedTest(name = "\"{0}\" is measured as Java encodes it")
    @ValueSource(strings = {"", "plain ascii", "café", "€ 25,00", "チケット", "🎫 ticket 🎟️", "mixed é€🎫 text"})
    void measuresStringsAsTheirUtf8Encoding(String text) {
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Utf8.length(text));
    }

    @ParameterizedTest(name = "cutting \"{0}\" never splits a character")
    @ValueSource(strings = {"plain ascii", "café au lait", "€€€€", "チケット", "🎫🎟️🎫", "a€🎫b"})
    void truncatesToTheLongestWholeCharacterPrefix(String text) {
        for (int limit = 0; limit <= Utf8.length(text) + 1; limit++) {
            String cut = Utf8.truncate(text, limit);
            int bytes = Utf8.length(cut);
            assertTrue(bytes <= limit, "within the limit");
            assertTrue(text.startsWith(cut), "a prefix");
            assertEquals(cut, new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), "whole characters");
            if (cut.length() < text.length()) {
                int next = Character.charCount(text.codePointAt(cut.length()));
                assertTrue(bytes + Utf8.length(text.substring(cut.length(), cut.length() + next)) > limit,
                        "the next character would not fit");
            }
        }
    }
}
