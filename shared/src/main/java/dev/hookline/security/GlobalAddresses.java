package dev.hookline.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The deployed address policy: an allow-list of globally reachable unicast addresses, taken from the IANA
 * special-purpose address registries kept as data in {@code special-purpose-addresses.csv}. The most specific
 * registry row containing an address decides; an address in no row is reachable if it is IPv4 and unicast,
 * and never if it is IPv6 outside the rows (only 2000::/3 is global unicast).
 *
 * <p>Every IPv6 form that carries an IPv4 address is decoded and the IPv4 address must be reachable too, so
 * no translation, tunnel or mapping prefix reaches loopback, link-local or private space behind our back.
 * Fails closed: what it cannot read is not reachable.
 */
public final class GlobalAddresses {

    /**
     * One row of the registries, {@code prefix} as written there and parsed as {@code range}. {@code reachable}
     * is empty for N/A: it depends on the embedded IPv4 addresses.
     */
    public record Entry(String registry, String prefix, String name, String rfc, Optional<Boolean> reachable, Cidr range) {
    }

    public static final List<Entry> REGISTRY = load("special-purpose-addresses.csv");

    // RFC 4380: 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC, the client address inverted bit by bit.
    private static final Cidr TEREDO = Cidr.parse("2001::/32");
    private static final Cidr IPV4_MAPPED = Cidr.parse("::ffff:0:0/96");

    /**
     * The IPv6 forms that embed IPv4 addresses, and where: bytes 12-15 unless noted. The local-use NAT64 prefix
     * may be cut at any RFC 6052 length; both the /48 and the /96 layout are decoded and must pass.
     */
    private static final List<Cidr> EMBED_LAST_32_BITS = List.of(
            Cidr.parse("::/96"),             // IPv4-compatible (RFC 4291, deprecated)
            Cidr.parse("::ffff:0:0:0/96"),   // IPv4-translated, SIIT (RFC 2765, RFC 6145)
            Cidr.parse("64:ff9b::/96"),      // NAT64 well-known prefix (RFC 6052)
            Cidr.parse("64:ff9b:1::/48"));   // NAT64 local-use prefix as a /96 (RFC 8215)
    private static final Cidr NAT64_LOCAL_USE = Cidr.parse("64:ff9b:1::/48");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private GlobalAddresses() {
    }

    /** Whether a webhook may target this address from a deployed stack. */
    public static boolean isGloballyReachable(InetAddress address) {
        return isGloballyReachable(address.getAddress());
    }

    private static boolean isGloballyReachable(byte[] address) {
        if (address.length == 16 && IPV4_MAPPED.contains(address)) {
            return isGloballyReachable(Arrays.copyOfRange(address, 12, 16)); // the same host, reached over IPv4
        }
        Optional<Entry> entry = REGISTRY.stream().filter(e -> e.range().contains(address))
                .max(Comparator.comparingInt(e -> e.range().prefixLength()));
        List<byte[]> embedded = embeddedIpv4(address);
        boolean reachable = entry.map(e -> e.reachable().orElse(!embedded.isEmpty())).orElse(address.length == 4);
        return reachable && embedded.stream().allMatch(GlobalAddresses::isGloballyReachable);
    }

    /** Every IPv4 address an IPv6 address carries under a known embedding; empty for IPv4 and plain IPv6. */
    static List<byte[]> embeddedIpv4(byte[] address) {
        List<byte[]> embedded = new ArrayList<>();
        if (address.length != 16) {
            return embedded;
        }
        if (EMBED_LAST_32_BITS.stream().anyMatch(prefix -> prefix.contains(address))) {
            embedded.add(Arrays.copyOfRange(address, 12, 16));
        }
        if (NAT64_LOCAL_USE.contains(address)) {
            // RFC 6052 /48: bits 48-63 and 72-87, around the reserved octet u.
            embedded.add(new byte[] {address[6], address[7], address[9], address[10]});
        }
        if (SIX_TO_FOUR.contains(address)) {
            embedded.add(Arrays.copyOfRange(address, 2, 6));
        }
        if (TEREDO.contains(address)) {
            embedded.add(Arrays.copyOfRange(address, 4, 8));
            byte[] client = Arrays.copyOfRange(address, 12, 16);
            for (int i = 0; i < client.length; i++) {
                client[i] = (byte) ~client[i];
            }
            embedded.add(client);
        }
        return embedded;
    }

    private static List<Entry> load(String resource) {
        List<Entry> entries = new ArrayList<>();
        try (InputStream in = GlobalAddresses.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            boolean header = true;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] columns = line.split(",", -1);
                if (columns.length != 5) {
                    throw new IllegalStateException(resource + ": expected 5 columns: " + line);
                }
                entries.add(new Entry(columns[0], columns[1], columns[2], columns[3], reachable(columns[4]),
                        Cidr.parse(columns[1])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(entries);
    }

    private static Optional<Boolean> reachable(String column) {
        return switch (column) {
            case "True" -> Optional.of(true);
            case "False", "-" -> Optional.of(false); // "-": the registry leaves it empty (deprecated blocks)
            case "N/A" -> Optional.empty();
            default -> throw new IllegalStateException("globally_reachable is True, False, N/A or -, not " + column);
        };
    }

    /** An address prefix, kept as written: {@code ::ffff:0:0/96} stays IPv6 although InetAddress folds it to IPv4. */
    record Cidr(byte[] network, int prefixLength) {

        static Cidr parse(String notation) {
            int slash = notation.indexOf('/');
            String literal = notation.substring(0, slash);
            byte[] network;
            try {
                network = InetAddress.getByName(literal).getAddress(); // literal only, no DNS
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP literal: " + literal, e);
            }
            if (literal.indexOf(':') >= 0 && network.length == 4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(network, 0, mapped, 12, 4);
                network = mapped;
            }
            return new Cidr(network, Integer.parseInt(notation.substring(slash + 1)));
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixLength % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = 0xff << (8 - remainingBits);
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
