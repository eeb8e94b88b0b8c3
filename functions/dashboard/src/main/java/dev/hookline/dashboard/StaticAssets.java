package dev.hookline.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's files, read from this function's own artifact (the {@code dashboard/} folder of its class path),
 * and the headers every answer carries. Knows nothing of Lambda: {@link DashboardHandler} maps requests to it.
 *
 * <p>Only flat names with a known extension are served ({@code app.js}, never {@code ../x} or {@code a/b.js}), so a
 * path can never reach another resource of the class path. Each file is read, hashed and gzipped once per container.
 */
final class StaticAssets {

    /** The page itself; every other file is one of its scripts, styles or images. */
    static final String PAGE = "index.html";

    /**
     * Scripts and styles only from this origin, no inline script or style, nothing framed or framing, no form
     * posts: the API key the page holds can only travel to the API beside it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");

    /** One file: its bytes, the same gzipped, its content type and a strong ETag. */
    record Asset(byte[] body, byte[] gzipped, String contentType, String etag) {
    }

    /** An answer: status, headers and body (gzipped when the headers say so). */
    record Answer(int status, Map<String, String> headers, byte[] body) {
    }

    private final String folder;
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** @param folder the class path folder holding the files, e.g. {@code dashboard} */
    StaticAssets(String folder) {
        this.folder = folder;
    }

    /**
     * The answer for {@code name} (null for the page): 200 with the file, 304 when {@code ifNoneMatch} holds its
     * ETag, 404 for anything else; gzipped when {@code acceptsGzip}.
     */
    Answer answer(String name, String ifNoneMatch, boolean acceptsGzip) {
        Optional<Asset> asset = find(name == null ? PAGE : name);
        if (asset.isEmpty()) {
            Map<String, String> headers = securityHeaders();
            headers.put("content-type", "text/plain; charset=utf-8");
            headers.put("cache-control", "no-store");
            return new Answer(404, headers, "Not found\n".getBytes(StandardCharsets.UTF_8));
        }
        Asset found = asset.get();
        Map<String, String> headers = securityHeaders();
        headers.put("content-type", found.contentType());
        // Revalidated on every load, so a new deployment shows at once; an unchanged file costs a 304.
        headers.put("cache-control", "no-cache");
        headers.put("etag", found.etag());
        headers.put("vary", "accept-encoding");
        if (ifNoneMatch != null && ifNoneMatch.contains(found.etag())) {
            return new Answer(304, headers, new byte[0]);
        }
        if (acceptsGzip) {
            headers.put("content-encoding", "gzip");
            return new Answer(200, headers, found.gzipped());
        }
        return new Answer(200, headers, found.body());
    }

    /** The headers on every answer, the 404 included. */
    static Map<String, String> securityHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-security-policy", CONTENT_SECURITY_POLICY);
        headers.put("x-content-type-options", "nosniff");
        headers.put("x-frame-options", "DENY");
        headers.put("referrer-policy", "no-referrer");
        headers.put("cross-origin-opener-policy", "same-origin");
        headers.put("strict-transport-security", "max-age=31536000");
        return headers;
    }

    private Optional<Asset> find(String name) {
        Matcher matcher = NAME.matcher(name);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, key -> read(key, CONTENT_TYPES.get(matcher.group(1))));
    }

    private Optional<Asset> read(String name, String contentType) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(folder + "/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            return Optional.of(new Asset(body, gzip(body), contentType, etag(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder + "/" + name, e);
        }
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
