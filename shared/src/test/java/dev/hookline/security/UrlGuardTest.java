package dev.hookline.security;

import static dev.hookline.security.GlobalAddressesTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hookline.errors.FieldCode;
import dev.hookline.security.UrlGuard.Policy;
import dev.hookline.security.UrlGuard.Resolver;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlGuardTest {

    private static final Resolver PUBLIC = host -> List.of(ip("93.184.215.14"), ip("2606:2800:21f:cb07:6820:80da:af6b:8b2c"));
    private static final Resolver EVERYTHING_IS_LOOPBACK = host -> List.of(ip("127.0.0.1"));
    private static final Resolver MUST_NOT_BE_CALLED = host -> fail("DNS lookup for " + host);

    private final UrlGuard deployed = new UrlGuard(Policy.deployed(), PUBLIC);
    private final UrlGuard local = new UrlGuard(Policy.local(), EVERYTHING_IS_LOOPBACK);

    @Test
    void acceptsAnHttpsUrlWhoseHostResolvesOnlyToPublicAddresses() {
        URI uri = deployed.check("https://hooks.example.com:8443/in/stripe?tenant=42");

        assertEquals("hooks.example.com", uri.getHost());
        assertEquals(8443, uri.getPort());
    }

    @Test
    void returnsTheVettedAddressesSoTheSenderConnectsOnlyToThem() throws UnknownHostException {
        List<InetAddress> addresses = deployed.resolveVetted(URI.create("https://hooks.example.com/"));

        assertEquals(List.of(ip("93.184.215.14"), ip("2606:2800:21f:cb07:6820:80da:af6b:8b2c")), addresses);
    }

    @Test
    void asksTheResolverForTheHostOfTheUrl() {
        List<String> asked = new ArrayList<>();
        UrlGuard guard = new UrlGuard(Policy.deployed(), host -> {
            asked.add(host);
            return PUBLIC.resolve(host);
        });

        guard.check("https://Hooks.Example.com./path");

        assertEquals(List.of("Hooks.Example.com."), asked);
    }

    @Test
    void refusesAHostWhenAnyResolvedAddressIsPrivate() {
        UrlGuard guard = new UrlGuard(Policy.deployed(), host -> List.of(ip("93.184.215.14"), ip("10.0.0.7")));

        assertRefused(UnsafeUrlException.ADDRESS_NOT_ALLOWED, () -> guard.check("https://rebind.example.com/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b:1::a9fe:a9fe", "2001:0:4136:e378:8000:63bf:80ff:fffe", "2001:db8::1", "100::1",
            "192.88.99.1", "::ffff:0:a9fe:a9fe", "ff05::1", "233.252.0.1"})
    void refusesAHostThatResolvesToAnAddressThatIsNotGloballyReachable(String address) {
        UrlGuard guard = new UrlGuard(Policy.deployed(), host -> List.of(GlobalAddressesTest.keptAsWritten(address)));

        assertRefused(UnsafeUrlException.ADDRESS_NOT_ALLOWED, () -> guard.check("https://hooks.example.com/"));
    }

    @Test
    void refusesAHostWhenAnyResolvedAddressIsLinkLocalIpv6() {
        UrlGuard guard = new UrlGuard(Policy.deployed(), host -> List.of(ip("8.8.8.8"), ip("fe80::1")));

        assertRefused(UnsafeUrlException.ADDRESS_NOT_ALLOWED, () -> guard.check("https://dual.example.com/"));
    }

    @Test
    void refusesAHostThatDoesNotResolve() {
        UrlGuard guard = new UrlGuard(Policy.deployed(), host -> {
            throw new UnknownHostException(host);
        });

        assertRefused(UnsafeUrlException.UNRESOLVABLE_HOST, () -> guard.check("https://nowhere.invalid/"));
    }

    @Test
    void refusesAHostThatResolvesToNoAddressAtAll() {
        UrlGuard guard = new UrlGuard(Policy.deployed(), host -> List.of());

        assertRefused(UnsafeUrlException.UNRESOLVABLE_HOST, () -> guard.check("https://empty.example.com/"));
    }

    @Test
    void refusesLocalhostThroughTheSystemResolver() {
        UrlGuard guard = new UrlGuard(Policy.deployed(), Resolver.system());

        assertRefused(UnsafeUrlException.ADDRESS_NOT_ALLOWED, () -> guard.check("https://localhost/"));
    }

    @Test
    void systemResolverParsesIpLiteralsWithoutDns() throws UnknownHostException {
        assertEquals(List.of(ip("127.0.0.1")), Resolver.system().resolve("127.0.0.1"));
    }

    @Test
    void refusesPlainHttpUnderTheDeployedPolicy() {
        assertRefused(UnsafeUrlException.SCHEME_NOT_ALLOWED, () -> deployed.check("http://hooks.example.com/"));
    }

    @Test
    void allowsPlainHttpToLoopbackUnderTheLocalPolicy() {
        assertEquals("localhost", local.check("http://localhost:8080/hook").getHost());
        assertEquals("127.0.0.1", local.check("http://127.0.0.1:9000/hook").getHost());
        assertEquals("[::1]", local.check("http://[::1]:9000/hook").getHost());
    }

    @Test
    void allowsPrivateResolvedAddressesUnderTheLocalPolicy() {
        UrlGuard guard = new UrlGuard(Policy.local(), host -> List.of(ip("192.168.1.20")));

        assertEquals(1, guard.resolveVetted(guard.checkSyntax("http://receiver.lan/")).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/", "file:///etc/passwd", "gopher://example.com/", "javascript://x/"})
    void refusesSchemesOtherThanHttpAndHttpsUnderEveryPolicy(String url) {
        assertRefused(UnsafeUrlException.SCHEME_NOT_ALLOWED, () -> deployed.checkSyntax(url));
        assertRefused(UnsafeUrlException.SCHEME_NOT_ALLOWED, () -> local.checkSyntax(url));
    }

    @Test
    void acceptsTheSchemeInAnyCase() {
        assertEquals("HTTPS", deployed.checkSyntax("HTTPS://hooks.example.com/").getScheme());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/relative/path", "hooks.example.com/path", "https:opaque", "mailto:ops@example.com",
            "https:///no-host", "https://exa mple.com/", "https://ex_ample.com/", "https://bücher.example/",
            "https://[v1.x]/", "https://[::1/", "https://example.com:-1/", "https://example.com:+443/"})
    void refusesStringsThatAreNotAbsoluteUrlsWithAHost(String url) {
        assertRefused(UnsafeUrlException.INVALID_URL, () -> deployed.checkSyntax(url));
    }

    @Test
    void refusesAMissingUrl() {
        assertRefused(UnsafeUrlException.INVALID_URL, () -> deployed.checkSyntax(null));
    }

    @Test
    void acceptsUrlsOfExactlyTheMaximumLength() {
        String prefix = "https://hooks.example.com/";
        String url = prefix + "a".repeat(UrlGuard.MAX_URL_LENGTH - prefix.length());

        assertEquals(UrlGuard.MAX_URL_LENGTH, deployed.checkSyntax(url).toString().length());
    }

    @Test
    void refusesUrlsLongerThanTheMaximumLength() {
        String prefix = "https://hooks.example.com/";
        String url = prefix + "a".repeat(UrlGuard.MAX_URL_LENGTH - prefix.length() + 1);

        assertRefused(UnsafeUrlException.URL_TOO_LONG, () -> deployed.checkSyntax(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:pass@hooks.example.com/", "https://user@hooks.example.com/",
            "https://@hooks.example.com/", "https://a@b@hooks.example.com/", "https://hooks.example.com@127.0.0.1/"})
    void refusesCredentialsInTheUrl(String url) {
        assertRefused(UnsafeUrlException.CREDENTIALS_NOT_ALLOWED, () -> deployed.checkSyntax(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/#section", "https://hooks.example.com/#"})
    void refusesFragments(String url) {
        assertRefused(UnsafeUrlException.INVALID_URL, () -> deployed.checkSyntax(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com:0/", "https://hooks.example.com:65536/",
            "https://hooks.example.com:99999999999/"})
    void refusesPortsOutsideTheValidRange(String url) {
        assertRefused(UnsafeUrlException.INVALID_URL, () -> deployed.checkSyntax(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com:1/", "https://hooks.example.com:65535/", "https://hooks.example.com/"})
    void acceptsPortsInTheValidRangeOrNoPort(String url) {
        assertEquals("hooks.example.com", deployed.checkSyntax(url).getHost());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/", "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1:8443/",
            "https://0.0.0.0/", "https://255.255.255.255/", "https://[::1]/", "https://[::]/", "https://[fd00::1]/",
            "https://[fe80::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[::127.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:a9fe:a9fe::]/", "https://[FF02::1]/",
            // The audit's: NAT64 local-use, Teredo, IPv6 documentation, discard-only, 6to4 relay anycast, SIIT.
            "https://[64:ff9b:1::a9fe:a9fe]/", "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
            "https://[2001:0:7f00:1:8000:63bf:f7f7:f7f7]/", "https://[2001:db8::1]/", "https://[100::1]/",
            "https://192.88.99.1/", "https://[::ffff:0:a9fe:a9fe]/", "https://[::ffff:0:127.0.0.1]/", "https://224.0.0.1/"})
    void refusesIpLiteralsThatAreNotGloballyReachableWithoutAnyDnsLookup(String url) {
        UrlGuard guard = new UrlGuard(Policy.deployed(), MUST_NOT_BE_CALLED);

        assertRefused(UnsafeUrlException.ADDRESS_NOT_ALLOWED, () -> guard.checkSyntax(url));
        assertRefused(UnsafeUrlException.ADDRESS_NOT_ALLOWED, () -> guard.resolveVetted(URI.create(url)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://8.8.8.8/", "https://[2606:4700:4700::1111]:8443/", "https://[::ffff:8.8.8.8]/"})
    void acceptsPublicIpLiteralsAndVetsThemWithoutDns(String url) {
        UrlGuard guard = new UrlGuard(Policy.deployed(), MUST_NOT_BE_CALLED);

        assertEquals(1, guard.resolveVetted(guard.check(url)).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://[fe80::1%25eth0]/", "https://[fe80::1%eth0]/", "https://[fe80::1%251]/",
            "https://[2606:4700:4700::1111%25eth0]/"})
    void refusesIpv6LiteralsWithAZoneId(String url) {
        assertRefused(UnsafeUrlException.INVALID_URL, () -> deployed.checkSyntax(url));
        assertRefused(UnsafeUrlException.INVALID_URL, () -> local.checkSyntax(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://2130706433/", "http://0x7f.1/", "http://0x7f000001/", "http://0X7F.0.0.1/",
            "http://127.1/", "http://0177.0.0.1/", "http://127.0.0.01/", "http://017700000001/", "http://127.0.0.1./",
            "http://1.2.3.4.5/", "http://hooks.example.123/", "http://169.254.43518/", "http://0/"})
    void refusesNumericHostsThatAreNotCanonicalDottedQuadsWhateverTheyResolveTo(String url) {
        // The local policy and a resolver that answers anything with loopback: refusal must come from parsing.
        assertRefused(UnsafeUrlException.INVALID_URL, () -> local.checkSyntax(url));
        assertRefused(UnsafeUrlException.INVALID_URL, () -> local.check(url));
        UrlGuard real = new UrlGuard(new Policy(true, false), Resolver.system());
        assertRefused(UnsafeUrlException.INVALID_URL, () -> real.check(url));
    }

    @Test
    void refusesOctalLookingHostsThatJavaWouldReadAsAPublicAddress() throws UnknownHostException {
        // Java reads 0177.0.0.1 as 177.0.0.1 (public) while curl and inet_aton read 127.0.0.1.
        assertTrue(GlobalAddresses.isGloballyReachable(InetAddress.getByName("0177.0.0.1")));

        assertRefused(UnsafeUrlException.INVALID_URL, () -> deployed.check("https://0177.0.0.1/"));
    }

    @Test
    void refusesNumericHostsAlsoWhenTheUriWasNotCheckedFirst() {
        assertRefused(UnsafeUrlException.INVALID_URL, () -> deployed.resolveVetted(URI.create("https://2130706433/")));
    }

    @Test
    void treatsHostsEndingInALetterLabelAsDnsNames() {
        assertEquals("1e100.net", deployed.check("https://1e100.net/").getHost());
        assertEquals("0x7f.example", deployed.check("https://0x7f.example/").getHost());
    }

    @Test
    void neverEchoesMoreThanTheHostInItsMessages() {
        UrlGuard guard = new UrlGuard(Policy.deployed(), host -> List.of(ip("10.20.30.40")));

        UnsafeUrlException credentials = assertThrows(UnsafeUrlException.class,
                () -> guard.check("https://admin:hunter2@internal.example/secret-path?token=abc123"));
        UnsafeUrlException blocked = assertThrows(UnsafeUrlException.class,
                () -> guard.check("https://internal.example/secret-path?token=abc123"));
        UnsafeUrlException malformed = assertThrows(UnsafeUrlException.class,
                () -> guard.check("https://internal.example/secret path?token=abc123"));

        for (UnsafeUrlException e : List.of(credentials, blocked, malformed)) {
            for (String secret : List.of("hunter2", "secret", "abc123", "10.20.30.40")) {
                assertFalse(e.getMessage().contains(secret), e.getMessage());
            }
            assertNull(e.getCause());
        }
        assertTrue(blocked.getMessage().contains("internal.example"), blocked.getMessage());
    }

    private static void assertRefused(FieldCode code, Executable check) {
        UnsafeUrlException e = assertThrows(UnsafeUrlException.class, check);
        assertEquals(code, e.code(), e.getMessage());
    }
}
