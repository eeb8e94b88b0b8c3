package dev.hookline.errors;

/** One offending request field: its JSON path, a machine-readable code and a human message. */
public record FieldError(String field, String code, String message) {
}
