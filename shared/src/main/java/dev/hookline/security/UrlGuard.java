package dev.hookline.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * SSRF protection for webhook target URLs.
 *
 * <p>Call {@link #check(String)} when a URL is created or updated, and {@link #resolveVetted(URI)} again
 * right before each delivery: DNS answers change, so only the addresses returned at send time may be
 * connected to (anti DNS rebinding). The sender must not follow redirects and must not go through a
 * proxy that resolves names itself, or this check is bypassed.
 */
public final class UrlGuard {

    public static final int MAX_URL_LENGTH = 2048;

    /** What a deployment may reach. */
    public record Policy(boolean allowHttp, boolean allowPrivateNetworks) {

        /**
         * https only, globally reachable addresses only ({@link GlobalAddresses}): every deployed stage, Lambda
         * included (its runtime API is on loopback).
         */
        public static Policy deployed() {
            return new Policy(false, false);
        }

        /** http and loopback/private targets: only for the local runner, where receivers live on localhost. */
        public static Policy local() {
            return new Policy(true, true);
        }
    }

    /** Host name to addresses; swappable so tests and the sender control DNS. */
    @FunctionalInterface
    public interface Resolver {

        List<InetAddress> resolve(String host) throws UnknownHostException;

        static Resolver system() {
            return host -> List.of(InetAddress.getAllByName(host));
        }
    }

    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern CANONICAL_IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
    // WHATWG URL "ends in a number": such a host is an IPv4 address to browsers and inet_aton, never a DNS name.
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

    private final Policy policy;
    private final Resolver resolver;

    public UrlGuard(Policy policy, Resolver resolver) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** {@link #checkSyntax} then {@link #resolveVetted}: the full check for create and update. */
    public URI check(String url) {
        URI uri = checkSyntax(url);
        resolveVetted(uri);
        return uri;
    }

    /** Everything that can be checked without DNS, including IP-literal hosts against the address policy. */
    public URI checkSyntax(String url) {
        if (url == null || url.isEmpty()) {
            throw invalid("Webhook URL is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new UnsafeUrlException(UnsafeUrlException.URL_TOO_LONG,
                    "Webhook URL must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("Webhook URL is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw invalid("Webhook URL must be an absolute http(s) URL");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = scheme.equals("https") || (scheme.equals("http") && policy.allowHttp());
        if (!allowed) {
            throw new UnsafeUrlException(UnsafeUrlException.SCHEME_NOT_ALLOWED,
                    policy.allowHttp() ? "Webhook URL must use http or https" : "Webhook URL must use https");
        }
        // The raw authority, not getUserInfo(): URI drops the user info of authorities it cannot parse (a@b@host).
        String authority = uri.getRawAuthority();
        if (authority != null && authority.indexOf('@') >= 0) {
            throw new UnsafeUrlException(UnsafeUrlException.CREDENTIALS_NOT_ALLOWED,
                    "Webhook URL must not contain user credentials");
        }
        if (uri.getRawFragment() != null) {
            throw invalid("Webhook URL must not contain a fragment");
        }
        String host = uri.getHost();
        if (host == null) {
            // URI leaves the host null for anything it cannot parse as host[:port] (127.1, _, non-ASCII, bad port).
            throw invalid("Webhook URL must contain a valid host name and port");
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
            throw invalid("Webhook URL port must be between 1 and 65535");
        }
        InetAddress literal = ipLiteral(host);
        if (literal != null) {
            vet(host, literal);
        }
        return uri;
    }

    /**
     * Resolves the URI's host and returns its addresses, refusing if resolution fails or if any address is
     * refused (fail closed: a host with one private answer is a rebinding attempt). Connect only to these.
     */
    public List<InetAddress> resolveVetted(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            throw invalid("Webhook URL must contain a valid host name and port");
        }
        InetAddress literal = ipLiteral(host);
        if (literal != null) {
            vet(host, literal);
            return List.of(literal);
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | IllegalArgumentException e) {
            // Fail closed: resolvers also reject odd names with IllegalArgumentException.
            throw unresolvable(host);
        }
        if (addresses == null || addresses.isEmpty()) {
            throw unresolvable(host);
        }
        for (InetAddress address : addresses) {
            if (address == null) {
                throw unresolvable(host);
            }
            vet(host, address);
        }
        return List.copyOf(addresses);
    }

    private void vet(String host, InetAddress address) {
        if (!policy.allowPrivateNetworks() && !GlobalAddresses.isGloballyReachable(address)) {
            throw new UnsafeUrlException(UnsafeUrlException.ADDRESS_NOT_ALLOWED, "Host " + host
                    + " points to an address that is not globally reachable (private, loopback, link-local, reserved or special-purpose)");
        }
    }

    /**
     * The address if the host is an IP literal, null if it is a DNS name. Numeric hosts other than a
     * canonical dotted quad (2130706433, 0x7f.1, 127.1, 0177.0.0.1) are refused: resolvers disagree on
     * them (Java reads 0177.0.0.1 as 177.0.0.1, inet_aton as 127.0.0.1), so no check of them is reliable.
     */
    private static InetAddress ipLiteral(String host) {
        if (host.startsWith("[")) {
            // A zone ID selects one of our own interfaces; it never belongs in a remote target.
            if (host.indexOf('%') >= 0) {
                throw invalid("Webhook URL must not contain an IPv6 zone identifier");
            }
            try {
                return InetAddress.getByName(host); // bracketed literal: parsed, never looked up
            } catch (UnknownHostException e) {
                throw invalid("Webhook URL contains an invalid IPv6 address");
            }
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String lastLabel = name.substring(name.lastIndexOf('.') + 1);
        if (!NUMERIC_LABEL.matcher(lastLabel).matches()) {
            return null;
        }
        if (!CANONICAL_IPV4.matcher(host).matches()) {
            throw invalid("Webhook URL host must be a DNS name or an IPv4 address in dotted-decimal form");
        }
        String[] octets = host.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(octets[i]);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always a valid IPv4 address", e);
        }
    }

    private static UnsafeUrlException invalid(String message) {
        return new UnsafeUrlException(UnsafeUrlException.INVALID_URL, message);
    }

    private static UnsafeUrlException unresolvable(String host) {
        return new UnsafeUrlException(UnsafeUrlException.UNRESOLVABLE_HOST, "Host " + host + " could not be resolved");
    }
}
