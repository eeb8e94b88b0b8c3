package dev.hookline.delivery;

import dev.hookline.security.UnsafeUrlException;
import dev.hookline.security.UrlGuard;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends signed webhook bodies (POST, or PUT for webhooks that ask for it), SSRF-safely (docs/delivery.md,
 * "Sending").
 *
 * <ul>
 *   <li>Apache HttpClient 5, because its {@link DnsResolver} is per client: ours resolves the host, vets every
 *       address with {@link UrlGuard#resolveVetted} and hands exactly those addresses to the connection operator,
 *       so there is no second lookup a rebinding DNS server could answer differently.
 *   <li>No redirects (a 3xx is a failure), no proxy (a proxy would resolve names itself), no automatic retries,
 *       no cookies, no decompression.
 *   <li>Connect timeout, and a total deadline per attempt that aborts the request wherever it is.
 *   <li>At most {@code maxResponseBytes} of the response are read; a longer body is cut off with its connection.
 * </ul>
 *
 * Thread-safe; one per container.
 */
public final class HttpSender implements AutoCloseable {

    public static final String USER_AGENT = "Hookline/" + version();
    /** Receiver header that stops retries of this message (Svix / Standard Webhooks practice). */
    public static final String DELIVERY_CONTROL_HEADER = "webhook-delivery";
    private static final int MAX_CONNECTIONS = 200;
    /**
     * A batch (10 messages of up to {@link DeliveryMessages#MAX_GROUP} deliveries) may hold 50 deliveries to one
     * host; each gets a connection at once, so none spends its deadline waiting for another's.
     */
    private static final int MAX_CONNECTIONS_PER_ROUTE = 10 * DeliveryMessages.MAX_GROUP;

    private final UrlGuard guard;
    private final Duration totalTimeout;
    private final int maxResponseBytes;
    private final Clock clock;
    private final CloseableHttpClient client;
    private final ScheduledExecutorService deadlines;

    public HttpSender(UrlGuard guard, Duration connectTimeout, Duration totalTimeout, int maxResponseBytes, Clock clock) {
        this.guard = guard;
        this.totalTimeout = totalTimeout;
        this.maxResponseBytes = maxResponseBytes;
        this.clock = clock;
        Timeout connect = Timeout.of(connectTimeout);
        Timeout total = Timeout.of(totalTimeout);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new VettingResolver(guard))
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setMaxConnPerRoute(MAX_CONNECTIONS_PER_ROUTE)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect)
                                .setSocketTimeout(total)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setConnectionRequestTimeout(connect)
                        .setResponseTimeout(total)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .setUserAgent(USER_AGENT)
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "hookline-delivery-deadline");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * One request with {@code method} (the webhook's {@code POST} or {@code PUT}) of {@code body} (sent exactly as
     * given) with {@code headers}; never throws for network trouble.
     */
    public SendResult send(String method, String url, Map<String, String> headers, byte[] body) {
        Instant started = clock.instant();
        URI uri;
        try {
            uri = guard.checkSyntax(url);
        } catch (UnsafeUrlException e) {
            return SendResult.failure(UnsafeUrlException.ADDRESS_NOT_ALLOWED.equals(e.code())
                    ? SendResult.SSRF_BLOCKED : SendResult.INVALID_URL, Duration.ZERO);
        }
        HttpUriRequestBase request = new HttpUriRequestBase(method, uri);
        headers.forEach(request::setHeader);
        request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            timedOut.set(true);
            request.cancel();
        }, totalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try (ClassicHttpResponse response = client.executeOpen(null, request, null)) {
            int status = response.getCode();
            String snippet = readSnippet(response.getEntity(), request);
            Duration latency = Duration.between(started, clock.instant());
            Optional<Duration> retryAfter = Optional.ofNullable(response.getFirstHeader("Retry-After"))
                    .map(Header::getValue).flatMap(value -> parseRetryAfter(value, clock.instant()));
            boolean abort = Optional.ofNullable(response.getFirstHeader(DELIVERY_CONTROL_HEADER))
                    .map(h -> h.getValue().trim().equalsIgnoreCase("abort-message")).orElse(false);
            String errorClass = status >= 200 && status < 300 ? null
                    : status >= 300 && status < 400 ? SendResult.REDIRECT : SendResult.HTTP_STATUS;
            return new SendResult(status, errorClass, latency, retryAfter, abort, snippet);
        } catch (IOException | RuntimeException e) {
            Duration latency = Duration.between(started, clock.instant());
            return SendResult.failure(timedOut.get() ? SendResult.TIMEOUT : classify(e), latency);
        } finally {
            deadline.cancel(false);
        }
    }

    /** Reads at most the cap; a body that goes on is cut off by aborting the request (its connection is not reused). */
    private String readSnippet(HttpEntity entity, HttpUriRequestBase request) throws IOException {
        if (entity == null) {
            return "";
        }
        byte[] buffer = new byte[maxResponseBytes];
        int filled = 0;
        try (InputStream in = entity.getContent()) {
            int read;
            while (filled < buffer.length && (read = in.read(buffer, filled, buffer.length - filled)) != -1) {
                filled += read;
            }
            if (filled == buffer.length && in.read() != -1) {
                request.cancel(); // more than the cap: do not drain it
            }
        }
        return new String(buffer, 0, filled, StandardCharsets.UTF_8);
    }

    static String classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BlockedAddress) {
                return SendResult.SSRF_BLOCKED;
            }
            if (t instanceof SocketTimeoutException || t instanceof ConnectTimeoutException) {
                return SendResult.TIMEOUT;
            }
            if (t instanceof ConnectException || t instanceof HttpHostConnectException
                    || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
                return SendResult.CONNECT_ERROR;
            }
        }
        return SendResult.IO_ERROR;
    }

    /** Retry-After as delta-seconds or an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        String text = value.trim();
        try {
            if (text.matches("[0-9]{1,9}")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
            }
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        client.close();
    }

    private static String version() {
        String version = HttpSender.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0" : version;
    }

    /** The connection operator's only source of addresses: resolution and vetting in one step. */
    private static final class VettingResolver implements DnsResolver {

        private final UrlGuard guard;

        VettingResolver(UrlGuard guard) {
            this.guard = guard;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            String authority = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
            try {
                return guard.resolveVetted(URI.create("https://" + authority + "/")).toArray(InetAddress[]::new);
            } catch (UnsafeUrlException e) {
                if (UnsafeUrlException.UNRESOLVABLE_HOST.equals(e.code())) {
                    throw new UnknownHostException(host);
                }
                throw new BlockedAddress(host);
            } catch (IllegalArgumentException e) {
                throw new UnknownHostException(host);
            }
        }

        @Override
        public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
            InetAddress[] addresses = resolve(host);
            return java.util.Arrays.stream(addresses).map(a -> new InetSocketAddress(a, port)).toList();
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host; // never a reverse lookup: the name the tenant gave is the one TLS checks
        }
    }

    /** The host resolved to an address the policy refuses (rebinding, or a URL that became private). */
    static final class BlockedAddress extends UnknownHostException {
        BlockedAddress(String host) {
            super("Host " + host + " resolves to an address that is not allowed");
        }
    }
}
