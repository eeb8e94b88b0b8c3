package dev.hookline.queues;

/** SQS limits count UTF-8 bytes; these measure and cut strings without encoding them. */
public final class Utf8 {

    private Utf8() {
    }

    public static int length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i += charsOf(bytes(text, i))) {
            bytes += bytes(text, i);
        }
        return bytes;
    }

    /** The longest prefix of {@code text} of at most {@code maxBytes} UTF-8 bytes that does not split a character. */
    public static String truncate(String text, int maxBytes) {
        int total = 0;
        int i = 0;
        while (i < text.length()) {
            int width = bytes(text, i);
            if (total + width > maxBytes) {
                break;
            }
            total += width;
            i += charsOf(width);
        }
        return text.substring(0, i);
    }

    /** Bytes of the character starting at {@code i}; a lone surrogate counts as the 3 bytes of U+FFFD. */
    private static int bytes(CharSequence text, int i) {
        char c = text.charAt(i);
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800) {
            return 2;
        }
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            return 4;
        }
        return 3;
    }

    private static int charsOf(int width) {
        return width == 4 ? 2 : 1;
    }
}
