package dev.hookline.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlGuardBlockListTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            // range,          first,        last,            just below,      just above
            "0.0.0.0/8,       0.0.0.0,       0.255.255.255,   -,               1.0.0.0",
            "10.0.0.0/8,      10.0.0.0,      10.255.255.255,  9.255.255.255,   11.0.0.0",
            "100.64.0.0/10,   100.64.0.0,    100.127.255.255, 100.63.255.255,  100.128.0.0",
            "127.0.0.0/8,     127.0.0.0,     127.255.255.255, 126.255.255.255, 128.0.0.0",
            "169.254.0.0/16,  169.254.0.0,   169.254.255.255, 169.253.255.255, 169.255.0.0",
            "172.16.0.0/12,   172.16.0.0,    172.31.255.255,  172.15.255.255,  172.32.0.0",
            "192.0.0.0/24,    192.0.0.0,     192.0.0.255,     191.255.255.255, 192.0.1.0",
            "192.0.2.0/24,    192.0.2.0,     192.0.2.255,     192.0.1.255,     192.0.3.0",
            "192.168.0.0/16,  192.168.0.0,   192.168.255.255, 192.167.255.255, 192.169.0.0",
            "198.18.0.0/15,   198.18.0.0,    198.19.255.255,  198.17.255.255,  198.20.0.0",
            "198.51.100.0/24, 198.51.100.0,  198.51.100.255,  198.51.99.255,   198.51.101.0",
            "203.0.113.0/24,  203.0.113.0,   203.0.113.255,   203.0.112.255,   203.0.114.0",
            "224.0.0.0/4,     224.0.0.0,     239.255.255.255, 223.255.255.255, -",
            "240.0.0.0/4,     240.0.0.0,     255.255.255.255, -,               -",
            "fc00::/7,        fc00::,        fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, -",
            "fe80::/10,       fe80::,        febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff, fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff, -",
            "fec0::/10,       fec0::,        feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, -, -",
            "ff00::/8,        ff00::,        ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, -, -",
    })
    void blocksBothEndsOfEachRangeAndNothingJustOutside(String range, String first, String last, String below,
            String above) throws UnknownHostException {
        assertTrue(UrlGuard.isBlocked(ip(first)), first);
        assertTrue(UrlGuard.isBlocked(ip(last)), last);
        if (below != null) {
            assertFalse(UrlGuard.isBlocked(ip(below)), below);
        }
        if (above != null) {
            assertFalse(UrlGuard.isBlocked(ip(above)), above);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2001:4860:4860::8888"})
    void allowsOrdinaryPublicAddresses(String address) throws UnknownHostException {
        assertFalse(UrlGuard.isBlocked(ip(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1"})
    void blocksTheUnspecifiedAndLoopbackIpv6Addresses(String address) throws UnknownHostException {
        assertTrue(UrlGuard.isBlocked(ip(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "169.254.169.254", "0.0.0.0", "255.255.255.255"})
    void blocksIpv4MappedFormsOfBlockedAddressesEvenWhenKeptAsIpv6(String ipv4) throws UnknownHostException {
        // InetAddress.getByAddress folds the mapped form to IPv4, Inet6Address.getByAddress does not: check both.
        assertTrue(UrlGuard.isBlocked(InetAddress.getByAddress(mapped(ipv4))));
        assertTrue(UrlGuard.isBlocked(Inet6Address.getByAddress(null, mapped(ipv4), -1)));
    }

    @Test
    void allowsIpv4MappedFormsOfPublicAddresses() throws UnknownHostException {
        assertFalse(UrlGuard.isBlocked(InetAddress.getByAddress(mapped("8.8.8.8"))));
        assertFalse(UrlGuard.isBlocked(Inet6Address.getByAddress(null, mapped("8.8.8.8"), -1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "::127.0.0.1", "::10.0.0.1", "::169.254.169.254", "::2",
            "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::c0a8:101", "64:ff9b::",
            "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101:ffff:ffff:ffff:ffff:ffff", "2002::"})
    void blocksCompatibleNat64And6to4AddressesThatEmbedABlockedIpv4Address(String address)
            throws UnknownHostException {
        assertTrue(UrlGuard.isBlocked(ip(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "64:ff9b:0:0:0:1:7f00:1"})
    void allowsCompatibleNat64And6to4AddressesThatEmbedAPublicIpv4Address(String address)
            throws UnknownHostException {
        assertFalse(UrlGuard.isBlocked(ip(address)));
    }

    @Test
    void blocksLinkLocalAddressesThatCarryAScopeId() throws UnknownHostException {
        InetAddress scoped = Inet6Address.getByAddress(null, ip("fe80::1").getAddress(), 2);
        assertInstanceOf(Inet6Address.class, scoped);
        assertTrue(UrlGuard.isBlocked(scoped));
    }

    private static byte[] mapped(String ipv4) throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ip(ipv4).getAddress(), 0, mapped, 12, 4);
        return mapped;
    }

    /** Literal parsing only: InetAddress never consults DNS for an IP literal. */
    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
