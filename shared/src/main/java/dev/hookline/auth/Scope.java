package dev.hookline.auth;

import java.util.Locale;
import java.util.Optional;

/** What an API key may do. As in the seed APIs, managing webhooks needs admin; admin implies read. */
public enum Scope {
    READ,
    ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> fromWireName(String value) {
        for (Scope scope : values()) {
            if (scope.wireName().equals(value)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
