package dev.hookline.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;

/** Loopback addresses and ports for the engines; nothing here ever binds a non-loopback interface. */
public final class LoopbackPorts {

    /** The only host the engines listen on. IPv4 literal, so it never depends on how "localhost" resolves. */
    public static final String HOST = "127.0.0.1";

    static final InetAddress ADDRESS = loopback();

    private LoopbackPorts() {
    }

    /**
     * A port that was free on 127.0.0.1 a moment ago. Only for servers that cannot bind port 0 themselves:
     * another process may take it before the caller binds it, so callers must cope with a bind failure.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(ADDRESS, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    /** {@code http://127.0.0.1:port}, the form every AWS SDK endpointOverride accepts. */
    public static URI httpEndpoint(int port) {
        return URI.create("http://" + HOST + ":" + port);
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4-byte address is always valid", e);
        }
    }
}
