package dev.hookline.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployed address policy, row by row: one row for every entry of the registries the policy is built from
 * ({@code special-purpose-addresses.csv}, checked to be exactly the entries listed here), then one per form of
 * IPv6 address that carries an IPv4 address.
 */
class GlobalAddressesTest {

    /** Registry prefix, an address inside it (its most specific row), and whether a webhook may target it. */
    private static final String[] REGISTRY_ROWS = {
            "224.0.0.0/4,          224.0.0.1,                               false",
            "0.0.0.0/8,            0.1.2.3,                                 false",
            "0.0.0.0/32,           0.0.0.0,                                 false",
            "10.0.0.0/8,           10.1.2.3,                                false",
            "100.64.0.0/10,        100.127.255.255,                         false",
            "127.0.0.0/8,          127.0.0.1,                               false",
            "169.254.0.0/16,       169.254.169.254,                         false",
            "172.16.0.0/12,        172.31.255.255,                          false",
            "192.0.0.0/24,         192.0.0.200,                             false",
            "192.0.0.0/29,         192.0.0.1,                               false",
            "192.0.0.8/32,         192.0.0.8,                               false",
            "192.0.0.9/32,         192.0.0.9,                               true",
            "192.0.0.10/32,        192.0.0.10,                              true",
            "192.0.0.170/32,       192.0.0.170,                             false",
            "192.0.0.171/32,       192.0.0.171,                             false",
            "192.0.2.0/24,         192.0.2.1,                               false",
            "192.31.196.0/24,      192.31.196.1,                            true",
            "192.52.193.0/24,      192.52.193.1,                            true",
            "192.88.99.0/24,       192.88.99.1,                             false",
            "192.88.99.2/32,       192.88.99.2,                             false",
            "192.168.0.0/16,       192.168.1.1,                             false",
            "192.175.48.0/24,      192.175.48.1,                            true",
            "198.18.0.0/15,        198.19.255.255,                          false",
            "198.51.100.0/24,      198.51.100.7,                            false",
            "203.0.113.0/24,       203.0.113.7,                             false",
            "240.0.0.0/4,          240.0.0.1,                               false",
            "255.255.255.255/32,   255.255.255.255,                         false",
            "2000::/3,             2606:4700:4700::1111,                    true",
            "ff00::/8,             ff02::1,                                 false",
            "::1/128,              ::1,                                     false",
            "::/128,               ::,                                      false",
            "::ffff:0:0/96,        ::ffff:7f00:1,                           false",
            "64:ff9b::/96,         64:ff9b::808:808,                        true",
            "64:ff9b:1::/48,       64:ff9b:1::808:808,                      false",
            "100::/64,             100::1,                                  false",
            "2001::/23,            2001:100::1,                             false",
            "2001::/32,            2001:0:4136:e378:8000:63bf:f7f7:f7f7,    true",
            "2001:1::1/128,        2001:1::1,                               true",
            "2001:1::2/128,        2001:1::2,                               true",
            "2001:1::3/128,        2001:1::3,                               true",
            "2001:2::/48,          2001:2::1,                               false",
            "2001:3::/32,          2001:3::1,                               true",
            "2001:4:112::/48,      2001:4:112::1,                           true",
            "2001:10::/28,         2001:10::1,                              false",
            "2001:20::/28,         2001:20::1,                              true",
            "2001:30::/28,         2001:30::1,                              true",
            "2001:db8::/32,        2001:db8::1,                             false",
            "2002::/16,            2002:808:808::1,                         true",
            "2620:4f:8000::/48,    2620:4f:8000::1,                         true",
            "3fff::/20,            3fff::1,                                 false",
            "5f00::/16,            5f00::1,                                 false",
            "fc00::/7,             fd00::1,                                 false",
            "fe80::/10,            fe80::1,                                 false",
    };

    @Test
    void theTableBelowHasARowForEveryRegistryEntry() {
        Set<String> registry = GlobalAddresses.REGISTRY.stream().map(GlobalAddresses.Entry::prefix)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> tested = java.util.Arrays.stream(REGISTRY_ROWS).map(row -> row.split(",")[0].trim())
                .collect(Collectors.toCollection(TreeSet::new));

        assertEquals(registry, tested);
        assertEquals(registry.size(), GlobalAddresses.REGISTRY.size(), "a prefix listed twice");
    }

    @Test
    void eachRegistryEntryDecidesForTheAddressesItHoldsMostSpecific() throws UnknownHostException {
        for (String row : REGISTRY_ROWS) {
            String[] columns = row.split(",");
            InetAddress probe = keptAsWritten(columns[1].trim());
            assertEquals(Boolean.parseBoolean(columns[2].trim()), GlobalAddresses.isGloballyReachable(probe), row);
        }
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            "IPv4-mapped ::ffff:0:0/96 (the IPv4 host itself),  ::ffff:127.0.0.1,                        false",
            "IPv4-mapped ::ffff:0:0/96 (the IPv4 host itself),  ::ffff:169.254.169.254,                  false",
            "IPv4-mapped ::ffff:0:0/96 (the IPv4 host itself),  ::ffff:8.8.8.8,                          true",
            "IPv4-compatible ::/96 (deprecated),                ::127.0.0.1,                             false",
            "IPv4-compatible ::/96 (deprecated),                ::8.8.8.8,                               false",
            "SIIT IPv4-translated ::ffff:0:0:0/96,              ::ffff:0:127.0.0.1,                      false",
            "SIIT IPv4-translated ::ffff:0:0:0/96,              ::ffff:0:169.254.169.254,                false",
            "SIIT IPv4-translated ::ffff:0:0:0/96,              ::ffff:0:8.8.8.8,                        false",
            "NAT64 well-known 64:ff9b::/96,                     64:ff9b::169.254.169.254,                false",
            "NAT64 well-known 64:ff9b::/96,                     64:ff9b::7f00:1,                         false",
            "NAT64 well-known 64:ff9b::/96,                     64:ff9b::c0a8:101,                       false",
            "NAT64 well-known 64:ff9b::/96,                     64:ff9b::,                               false",
            "NAT64 well-known 64:ff9b::/96,                     64:ff9b::8.8.8.8,                        true",
            "NAT64 local-use 64:ff9b:1::/48 as a /96,           64:ff9b:1::a9fe:a9fe,                    false",
            "NAT64 local-use 64:ff9b:1::/48 in the /48 layout,  64:ff9b:1:a9fe:a9:fe00::,                false",
            "NAT64 local-use 64:ff9b:1::/48 (never global),     64:ff9b:1:808:8:800::,                   false",
            "6to4 2002::/16,                                    2002:7f00:1::1,                          false",
            "6to4 2002::/16,                                    2002:a9fe:a9fe::,                        false",
            "6to4 2002::/16,                                    2002:c0a8:101:ffff:ffff:ffff:ffff:ffff,  false",
            "6to4 2002::/16,                                    2002::,                                  false",
            "6to4 2002::/16,                                    2002:808:808::1,                         true",
            "Teredo 2001::/32 loopback server,                  2001:0:7f00:1:8000:63bf:f7f7:f7f7,       false",
            "Teredo 2001::/32 private server,                   2001:0:a00:1:8000:63bf:f7f7:f7f7,        false",
            "Teredo 2001::/32 loopback client (obfuscated),     2001:0:4136:e378:8000:63bf:80ff:fffe,    false",
            "Teredo 2001::/32 link-local client (obfuscated),   2001:0:4136:e378:8000:63bf:5601:5601,    false",
            "Teredo 2001::/32 private client (obfuscated),      2001:0:4136:e378:8000:63bf:3f57:fefe,    false",
            "Teredo 2001::/32 RFC 4380 example (TEST-NET-1),    2001:0:4136:e378:8000:63bf:3fff:fdd2,    false",
            "Teredo 2001::/32 public server and client,         2001:0:4136:e378:8000:63bf:f7f7:f7f7,    true",
    })
    void decodesEveryFormThatEmbedsAnIpv4AddressAndChecksItToo(String form, String address, boolean reachable)
            throws UnknownHostException {
        assertEquals(reachable, GlobalAddresses.isGloballyReachable(keptAsWritten(address)), form);
        // InetAddress folds the mapped form to IPv4; the folded address must get the same answer.
        assertEquals(reachable, GlobalAddresses.isGloballyReachable(InetAddress.getByName(address)), form);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2001:4860:4860::8888",
            "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
            "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "191.255.255.255", "192.0.1.0",
            "192.0.3.0", "192.88.98.255", "192.88.100.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
            "198.20.0.0", "223.255.255.255", "2001:200::1", "2001:db7:ffff::1", "2001:db9::1", "3ffe::1", "3fff:1000::1"})
    void allowsGlobalUnicastAddressesRightOutsideTheSpecialRanges(String address) throws UnknownHostException {
        assertEquals(true, GlobalAddresses.isGloballyReachable(keptAsWritten(address)), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "4000::1", "e000::1", "fec0::1", "::2", "100:0:0:1::1"})
    void refusesIpv6OutsideGlobalUnicastSpaceWhateverTheRegistrySaysOfIt(String address) throws UnknownHostException {
        assertFalse(GlobalAddresses.isGloballyReachable(keptAsWritten(address)), address);
    }

    @Test
    void refusesLinkLocalAddressesThatCarryAScopeId() throws UnknownHostException {
        InetAddress scoped = Inet6Address.getByAddress(null, ip("fe80::1").getAddress(), 2);
        assertInstanceOf(Inet6Address.class, scoped);
        assertFalse(GlobalAddresses.isGloballyReachable(scoped));
    }

    /** Literal parsing only: InetAddress never consults DNS for an IP literal. */
    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    /** The literal as written: IPv6 stays IPv6 even in the mapped form, which InetAddress.getByName folds to IPv4. */
    static InetAddress keptAsWritten(String literal) throws UnknownHostException {
        return literal.indexOf(':') < 0 ? ip(literal)
                : Inet6Address.getByAddress(null, GlobalAddresses.Cidr.parse(literal + "/128").network(), -1);
    }
}
