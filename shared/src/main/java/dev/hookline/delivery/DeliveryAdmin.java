package dev.hookline.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.auth.Principal;
import dev.hookline.auth.Scope;
import dev.hookline.delivery.DeliveryMessages.Delivery;
import dev.hookline.delivery.DeliveryRecord.Status;
import dev.hookline.errors.ApiException;
import dev.hookline.errors.ErrorCode;
import dev.hookline.errors.FieldCode;
import dev.hookline.json.Json;
import dev.hookline.model.Webhook;
import dev.hookline.storage.DeliveryLog;
import dev.hookline.storage.EndpointHealthStore;
import dev.hookline.storage.Page;
import dev.hookline.webhooks.WebhookService;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The delivery operations of the registry API: the log, manual retry, recover, test pings and re-enabling
 * (closing the circuit). Everything that sends goes through the delivery queue, so the API never POSTs itself.
 */
public final class DeliveryAdmin {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    /** A webhook's endpoint health and its newest delivery, for the webhook's representation. */
    public record EndpointState(WebhookHealth health, Optional<DeliveryRecord> lastDelivery) {
    }

    /** What a retry, recover or test answered: the delivery id it concerns (if one) and the queued command. */
    public record Accepted(Optional<String> deliveryId, String what) {
    }

    private final WebhookService webhooks;
    private final DeliveryLog log;
    private final EndpointHealthStore health;
    private final Supplier<SqsClient> sqs;
    private final String deliveryQueueUrl;
    private final Clock clock;

    /** @param sqs built on first send, so read-only handlers (GET webhook) never pay for an SQS client at init */
    public DeliveryAdmin(WebhookService webhooks, DeliveryLog log, EndpointHealthStore health, Supplier<SqsClient> sqs,
            String deliveryQueueUrl, Clock clock) {
        this.webhooks = webhooks;
        this.log = log;
        this.health = health;
        this.sqs = sqs;
        this.deliveryQueueUrl = deliveryQueueUrl;
        this.clock = clock;
    }

    public Page<DeliveryRecord> list(Principal principal, String webhookId, Optional<String> status,
            Optional<String> cursor, int limit) {
        Webhook webhook = webhooks.get(principal, webhookId);
        Set<Status> statuses = status.map(text -> Set.of(Status.parse(text).orElseThrow(() -> ApiException.validation(
                "status", FieldCode.INVALID_VALUE, "status is one of retrying, succeeded, failed, aborted, parked, queued."))))
                .orElse(Set.of());
        return log.list(webhook.id(), statuses, cursor, limit);
    }

    public DeliveryRecord get(Principal principal, String webhookId, String deliveryId) {
        Webhook webhook = webhooks.get(principal, webhookId);
        return find(webhook, deliveryId);
    }

    /** Re-sends one delivery that has ended (failed, aborted, or succeeded with its payload still kept). */
    public Accepted retry(Principal principal, String webhookId, String deliveryId) {
        principal.require(Scope.ADMIN);
        Webhook webhook = webhooks.get(principal, webhookId);
        DeliveryRecord record = find(webhook, deliveryId);
        if (!record.status().terminal()) {
            throw ApiException.conflict(ErrorCode.DELIVERY_IN_PROGRESS, "This delivery is still being attempted or is parked.");
        }
        if (record.payload().isEmpty()) {
            throw ApiException.conflict(ErrorCode.PAYLOAD_NOT_RETAINED,
                    "The payload of this delivery is no longer kept (only failed and parked deliveries keep theirs).");
        }
        Optional<Integer> series = log.requeue(webhook.id(), deliveryId, Set.of(record.status()), Optional.empty(),
                clock.instant());
        if (series.isEmpty()) {
            throw ApiException.conflict(ErrorCode.CONCURRENT_MODIFICATION, "The delivery changed meanwhile; read it again.");
        }
        ObjectNode payload = (ObjectNode) Json.parse(record.payload().get());
        send(webhook, new Delivery(deliveryId, webhook.id(), webhook.companyId(), record.eventId(), series.get(), payload,
                webhooks.tenantEpoch(webhook.companyId()), false, true).toJson());
        return new Accepted(Optional.of(deliveryId), "retry");
    }

    /** Queues a paged re-send of the failed (and dead-lettered) deliveries created since {@code since}. */
    public Accepted recover(Principal principal, String webhookId, String since) {
        principal.require(Scope.ADMIN);
        Webhook webhook = webhooks.get(principal, webhookId);
        Instant from;
        try {
            from = Instant.parse(since == null ? "" : since);
        } catch (DateTimeParseException e) {
            throw ApiException.validation("since", FieldCode.INVALID_VALUE, "since is an RFC 3339 UTC time, e.g. 2026-11-23T10:00:00Z.");
        }
        if (from.isAfter(clock.instant())) {
            throw ApiException.validation("since", FieldCode.OUT_OF_RANGE, "since is in the future.");
        }
        send(webhook, DeliveryMessages.recoverCommand(webhook.id(), webhook.companyId(),
                webhooks.tenantEpoch(webhook.companyId()), from, Optional.empty()));
        return new Accepted(Optional.empty(), "recover");
    }

    /** Queues a ping; it is sent even while the circuit is open, and its success closes the circuit. */
    public Accepted test(Principal principal, String webhookId) {
        principal.require(Scope.ADMIN);
        Webhook webhook = webhooks.get(principal, webhookId);
        Delivery ping = DeliveryMessages.ping(webhook.id(), webhook.companyId(), webhooks.tenantEpoch(webhook.companyId()),
                clock.instant());
        String deliveryId = ping.deliveryId();
        send(webhook, ping.toJson());
        return new Accepted(Optional.of(deliveryId), "test");
    }

    /**
     * After a PATCH that set {@code active: true}: closes the circuit if open and queues the replay of whatever
     * was parked (also what was parked while the tenant had it inactive).
     */
    public void reenabled(Webhook webhook) {
        health.closeCircuit(webhook.id());
        send(webhook, DeliveryMessages.replayCommand(webhook.id(), webhook.companyId(),
                webhooks.tenantEpoch(webhook.companyId()), Optional.empty()));
    }

    public EndpointState state(Webhook webhook) {
        return new EndpointState(health.health(webhook.id()), Optional.ofNullable(log.latest(List.of(webhook.id())).get(webhook.id())));
    }

    /** The states of a page of webhooks, by webhook id: one BatchGetItem of health, the newest deliveries in parallel. */
    public Map<String, EndpointState> states(List<Webhook> page) {
        List<String> ids = page.stream().map(Webhook::id).toList();
        Map<String, WebhookHealth> healths = health.healths(ids);
        Map<String, DeliveryRecord> latest = log.latest(ids);
        Map<String, EndpointState> states = new HashMap<>();
        ids.forEach(id -> states.put(id, new EndpointState(healths.get(id), Optional.ofNullable(latest.get(id)))));
        return states;
    }

    private DeliveryRecord find(Webhook webhook, String deliveryId) {
        if (!DeliveryIds.isValid(deliveryId)) {
            throw ApiException.notFound("No delivery with this id.");
        }
        return log.find(webhook.id(), deliveryId).filter(r -> r.companyId().equals(webhook.companyId()))
                .orElseThrow(() -> ApiException.notFound("No delivery with this id."));
    }

    /**
     * Messages carry the tenant epoch read after the change that led to them, so the delivery function acts on a
     * webhook at least that recent, and go in the tenant's message group, like its deliveries.
     */
    private void send(Webhook webhook, String body) {
        sqs.get().sendMessage(request -> request.queueUrl(deliveryQueueUrl).messageBody(body)
                .messageGroupId(webhook.companyId()));
    }
}
