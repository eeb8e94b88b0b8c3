package dev.hookline.fanout;

/** One message as the ingest queue delivered it. */
public record IngestMessage(String messageId, String body) {
}
