package dev.hookline.storage;

import java.util.List;
import java.util.Optional;

/** One page of results and the opaque cursor of the next page, if any. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {

    public Page {
        items = List.copyOf(items);
    }
}
