package dev.hookline.local;

import java.net.URI;

/**
 * Where the local AWS engines listen. Either may be null when the template declares no resource of that kind.
 * Requests are signed with fixed dummy credentials, so DynamoDB Local must run with {@code -sharedDb}
 * (otherwise it keeps one database per access key and region, and the handlers would see other tables).
 */
public record Endpoints(URI dynamoDb, URI sqs) {
}
