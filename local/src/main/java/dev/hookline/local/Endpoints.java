package dev.hookline.local;

import java.net.URI;

/**
 * Where the local AWS engines listen. Either may be null when the template declares no resource of that kind.
 * The platform and its functions sign with the dummy access key {@code local}; unless DynamoDB Local runs with
 * {@code -sharedDb}, it keeps one database per access key and region, and other clients must use the same ones to
 * see the tables.
 */
public record Endpoints(URI dynamoDb, URI sqs) {
}
