package dev.hookline.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API Gateway HTTP API route selection. A route key is {@code METHOD /path} or {@code $default}; paths may hold
 * {@code {name}} segments and one trailing greedy {@code {name+}}. Like API Gateway, the most specific route wins:
 * segment by segment a literal beats a variable, which beats a greedy variable; then a route with the request's
 * method beats {@code ANY}; {@code $default} catches whatever nothing else matched.
 */
final class RouteTable<T> {

    static final String DEFAULT_ROUTE = "$default";
    static final String ANY = "ANY";

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z0-9_.-]+)(\\+?)}");

    /** The selected route, with path parameters percent-decoded (a greedy one keeps its slashes). */
    record Match<T>(T target, String routeKey, Map<String, String> pathParameters) {
    }

    private enum Kind { LITERAL, VARIABLE, GREEDY }

    private record Segment(Kind kind, String text) {
    }

    private record Route<T>(String routeKey, String method, List<Segment> segments, T target) {
    }

    private final List<Route<T>> routes;
    private final Route<T> defaultRoute;

    /** @param targets by route key; iteration order breaks ties between equally specific routes */
    RouteTable(Map<String, T> targets) {
        List<Route<T>> parsed = new ArrayList<>();
        Route<T> fallback = null;
        for (Map.Entry<String, T> entry : targets.entrySet()) {
            String key = entry.getKey();
            if (key.equals(DEFAULT_ROUTE)) {
                fallback = new Route<>(key, ANY, List.of(), entry.getValue());
                continue;
            }
            int space = key.indexOf(' ');
            if (space < 0) {
                throw new TemplateException("route key must be 'METHOD /path' or $default, got '" + key + "'");
            }
            parsed.add(new Route<>(key, key.substring(0, space), parsePath(key.substring(space + 1), key),
                    entry.getValue()));
        }
        parsed.sort(Comparator.comparing((Route<T> route) -> route.segments(), RouteTable::compareSpecificity)
                .thenComparing(route -> route.method().equals(ANY)));
        this.routes = List.copyOf(parsed);
        this.defaultRoute = fallback;
    }

    Optional<Match<T>> match(String method, String rawPath) {
        List<String> rawSegments = split(rawPath);
        for (Route<T> route : routes) {
            if (!route.method().equals(ANY) && !route.method().equals(method)) {
                continue;
            }
            Map<String, String> parameters = matchPath(route.segments(), rawSegments);
            if (parameters != null) {
                return Optional.of(new Match<>(route.target(), route.routeKey(), parameters));
            }
        }
        return Optional.ofNullable(defaultRoute).map(route -> new Match<>(route.target(), DEFAULT_ROUTE, Map.of()));
    }

    private static List<Segment> parsePath(String path, String routeKey) {
        if (!path.startsWith("/")) {
            throw new TemplateException("route " + routeKey + ": path must start with /");
        }
        List<String> parts = split(path);
        List<Segment> segments = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            var variable = VARIABLE.matcher(part);
            if (variable.matches()) {
                boolean greedy = !variable.group(2).isEmpty();
                if (greedy && i != parts.size() - 1) {
                    throw new TemplateException("route " + routeKey + ": a greedy {" + variable.group(1)
                            + "+} must be the last segment");
                }
                segments.add(new Segment(greedy ? Kind.GREEDY : Kind.VARIABLE, variable.group(1)));
            } else if (part.contains("{") || part.contains("}")) {
                throw new TemplateException("route " + routeKey + ": malformed path segment '" + part + "'");
            } else {
                segments.add(new Segment(Kind.LITERAL, part));
            }
        }
        return List.copyOf(segments);
    }

    private static int compareSpecificity(List<Segment> left, List<Segment> right) {
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            int byKind = left.get(i).kind().compareTo(right.get(i).kind());
            if (byKind != 0) {
                return byKind;
            }
        }
        return Integer.compare(right.size(), left.size());
    }

    /** Path parameters when the route matches, else null. */
    private static Map<String, String> matchPath(List<Segment> pattern, List<String> rawSegments) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            Segment segment = pattern.get(i);
            if (segment.kind() == Kind.GREEDY) {
                if (i >= rawSegments.size()) {
                    return null;
                }
                String rest = percentDecode(String.join("/", rawSegments.subList(i, rawSegments.size())));
                if (rest.isEmpty()) {
                    return null;
                }
                parameters.put(segment.text(), rest);
                return parameters;
            }
            if (i >= rawSegments.size()) {
                return null;
            }
            String value = percentDecode(rawSegments.get(i));
            if (segment.kind() == Kind.LITERAL) {
                if (!segment.text().equals(value)) {
                    return null;
                }
            } else if (value.isEmpty()) {
                return null;
            } else {
                parameters.put(segment.text(), value);
            }
        }
        return pattern.size() == rawSegments.size() ? parameters : null;
    }

    /** "/" has no segments; "/a/b/" has segments a, b and an empty last one. */
    private static List<String> split(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.isEmpty() ? List.of() : List.of(relative.split("/", -1));
    }

    /** Percent-decoding as for URL paths: unlike form decoding, '+' stays '+'. Malformed escapes stay as sent. */
    static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        ByteArrayOutputStream escaped = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (c == '%' && high >= 0 && low >= 0) {
                escaped.write(high << 4 | low);
                i += 2;
            } else {
                out.append(escaped.toString(StandardCharsets.UTF_8)).append(c);
                escaped.reset();
            }
        }
        return out.append(escaped.toString(StandardCharsets.UTF_8)).toString();
    }
}
