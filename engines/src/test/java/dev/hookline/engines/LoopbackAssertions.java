package dev.hookline.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks that an engine listens on 127.0.0.1 and nowhere else, without sending a packet to any non-loopback
 * address: the kernel's socket table is read, and the engine's port is bound on every other local address
 * (which Linux refuses while a wildcard listener holds the port).
 */
final class LoopbackAssertions {

    private static final String LISTEN = "0A";
    private static final String IPV4_LOOPBACK = "0100007F";
    private static final String IPV4_MAPPED_LOOPBACK = "0000000000000000FFFF00000100007F";

    private LoopbackAssertions() {
    }

    static void assertLoopbackOnly(URI endpoint) throws IOException {
        assertEquals("127.0.0.1", endpoint.getHost(), "endpoint host");
        int port = endpoint.getPort();
        assertListenersAreLoopback(port);
        for (InetAddress address : nonLoopbackAddresses()) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(address, port));
            } catch (IOException e) {
                fail("port " + port + " is also taken on " + address.getHostAddress() + ": " + e);
            }
        }
    }

    static void assertRefusesConnections(URI endpoint) {
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LoopbackPorts.ADDRESS, endpoint.getPort()), 1_000);
            }
        });
    }

    /** Every LISTEN entry for the port in /proc/net/tcp{,6} must be 127.0.0.1; there must be at least one. */
    private static void assertListenersAreLoopback(int port) throws IOException {
        Path tcp = Path.of("/proc/net/tcp");
        if (!Files.isReadable(tcp)) {
            return; // not Linux: the bind probe alone has to do
        }
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> listeners = new ArrayList<>();
        for (Path table : List.of(tcp, Path.of("/proc/net/tcp6"))) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> rows = Files.readAllLines(table);
            for (String line : rows.subList(1, rows.size())) { // first row is the header
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (local[1].equals(hexPort) && fields[3].equals(LISTEN)) {
                    listeners.add(local[0]);
                }
            }
        }
        assertFalse(listeners.isEmpty(), "nothing listens on port " + port);
        for (String address : listeners) {
            if (!address.equals(IPV4_LOOPBACK) && !address.equals(IPV4_MAPPED_LOOPBACK)) {
                fail("port " + port + " has a listener on non-loopback address " + address + " (kernel hex)");
            }
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            nic.inetAddresses()
                    .filter(a -> !a.isLoopbackAddress())
                    .filter(a -> !(a instanceof Inet6Address && a.isLinkLocalAddress()))
                    .forEach(addresses::add);
        }
        return addresses;
    }
}
