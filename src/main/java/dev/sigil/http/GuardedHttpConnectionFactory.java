package dev.sigil.http;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Jetty's HTTP/1.1 connections with two guards against clients that hold connections without sending requests
 * (slowloris):
 * <ul>
 *   <li>A request head (request line and headers) must be complete within the head timeout of its first byte, or
 *   of the connection opening for the first request. Jetty's idle timeout restarts on every byte and its minimum
 *   data rate covers bodies only, so a head trickled a byte every few seconds held a connection for hours: 10,000
 *   of them took every slot of {@link HttpServer#MAX_CONNECTIONS}. Such a connection is answered 408 (RFC 9110
 *   §15.5.9) and closed. A keep-alive connection idle between requests is the idle timeout's business: its
 *   head clock starts with the next request's first byte.</li>
 *   <li>At most {@link ConnectionsPerAddress a number of connections per client address}; one more is closed
 *   unanswered as soon as it opens.</li>
 * </ul>
 * The clock costs nothing for a head that arrives in one read (almost all of them): it is started on open, stopped
 * by the first parse, and started again only for a head split across reads.
 */
final class GuardedHttpConnectionFactory extends HttpConnectionFactory {
    /** How long a connection answered 408 stays half-closed so the client can read the answer (see below). */
    static final long LINGER_MS = 2_000;
    private final long headTimeoutMs;
    private final ConnectionsPerAddress perAddress;
    /** The whole 408 answer, in the error shape of {@link ErrorResponses}; nothing of the request is known yet. */
    private final byte[] headTimedOut;

    GuardedHttpConnectionFactory(HttpConfiguration config, Duration headTimeout, ConnectionsPerAddress perAddress) {
        super(config);
        this.headTimeoutMs = headTimeout.toMillis();
        this.perAddress = perAddress;
        byte[] body = Json.writeString(java.util.Map.of("error",
                "request head not received within " + headTimeoutMs + " ms")).getBytes(StandardCharsets.UTF_8);
        this.headTimedOut = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n" + new String(body, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** As {@link HttpConnectionFactory#newConnection} (Jetty 12.1), with the guarded connection. */
    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        GuardedConnection connection = new GuardedConnection(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    private final class GuardedConnection extends HttpConnection {
        /** Set by {@link #newRequestHandler}, which Jetty's constructor calls before {@link #newHttpParser}. */
        private RequestHandler requestHandler;
        /** The running head clock, or null. Written by the one thread parsing at a time (or opening, closing). */
        private volatile Scheduler.Task headClock;
        /** Bumped on every start and stop, so that a clock that fires as it is being stopped does nothing. */
        private volatile long clockGeneration;
        /** Set once the head timed out and the 408 is on its way: nothing more is parsed. */
        private volatile boolean timedOut;
        /** The per-address key this connection is counted under; null when not counted (exempt or refused). */
        private InetAddress countedAs;

        GuardedConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        protected RequestHandler newRequestHandler() {
            requestHandler = super.newRequestHandler();
            return requestHandler;
        }

        /** As Jetty's own (12.1), with a parser that reports where each read left the head. */
        @Override
        protected HttpParser newHttpParser(HttpCompliance compliance) {
            HttpParser parser = new ClockedParser(requestHandler, getHttpConfiguration().getRequestHeaderSize(),
                    compliance, this);
            parser.setHeaderCacheSize(getHttpConfiguration().getHeaderCacheSize());
            parser.setHeaderCacheCaseSensitive(getHttpConfiguration().isHeaderCacheCaseSensitive());
            return parser;
        }

        @Override
        public void onOpen() {
            if (!admitted()) {
                // Closed before super.onOpen(), which would start reading: nothing is read, nothing answered, so a
                // refusal costs the flood's target as little as possible. (Connection listeners, of which Sigil
                // registers none, would see this connection closed without having seen it open.)
                getEndPoint().close();
                return;
            }
            // Before super.onOpen(): from there on, another thread may parse what arrives.
            startHeadClock();
            super.onOpen();
        }

        /** Counts this connection against its address's cap; false when the address is at the cap. */
        private boolean admitted() {
            if (!(getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress remote)) {
                return true;
            }
            Optional<InetAddress> key = perAddress.keyOf(remote.getAddress());
            if (key.isEmpty()) {
                return true;
            }
            if (!perAddress.tryAdmit(key.get())) {
                return false;
            }
            countedAs = key.get();
            return true;
        }

        @Override
        public void onClose(Throwable cause) {
            stopHeadClock();
            if (countedAs != null) {
                perAddress.release(countedAs);
            }
            super.onClose(cause);
        }

        /** After each parse: a head under way keeps (or starts) its clock; a complete head stops it. */
        void parsed(HttpParser.State state) {
            if (state == HttpParser.State.START) {
                // Nothing of a request yet: on open the clock already runs; between requests the idle timeout rules.
                return;
            }
            if (state.ordinal() < HttpParser.State.CONTENT.ordinal()) {
                if (headClock == null) {
                    startHeadClock();
                }
            } else if (headClock != null) {
                stopHeadClock();
            }
        }

        private void startHeadClock() {
            long generation = ++clockGeneration;
            headClock = getConnector().getScheduler().schedule(() -> headTimedOut(generation), headTimeoutMs,
                    TimeUnit.MILLISECONDS);
        }

        private void stopHeadClock() {
            Scheduler.Task clock = headClock;
            if (clock != null) {
                clockGeneration++;
                headClock = null;
                clock.cancel();
            }
        }

        /** On the scheduler's thread. The parser's state is volatile: a head completed this instant is let be. */
        private void headTimedOut(long generation) {
            if (generation != clockGeneration || !getParser().inHeaderState()) {
                return;
            }
            timedOut = true;
            // No response can be under way while a head is incomplete (Jetty parses the next request only after
            // the previous one completed), so this write cannot interleave with one.
            EndPoint endPoint = getEndPoint();
            endPoint.write(Callback.from(this::closeAfterLinger, failure -> endPoint.close()),
                    ByteBuffer.wrap(headTimedOut));
        }

        /**
         * A staged close (RFC 9112 §9.6): closing at once while the client's bytes still arrive would reset the
         * connection, which can destroy the 408 before the client reads it. So: FIN now, what arrives meanwhile is
         * read and dropped ({@link ClockedParser}), and the connection is closed for good after {@link #LINGER_MS}
         * (a trickling client would otherwise keep it open, as it kept the idle timeout from expiring).
         */
        private void closeAfterLinger() {
            EndPoint endPoint = getEndPoint();
            endPoint.shutdownOutput();
            getConnector().getScheduler().schedule(endPoint::close, LINGER_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Jetty's request parser, reporting to its connection after each read where the head stands. */
    private static final class ClockedParser extends HttpParser {
        private final GuardedConnection connection;

        ClockedParser(RequestHandler handler, int maxHeaderBytes, HttpCompliance compliance,
                      GuardedConnection connection) {
            super(handler, maxHeaderBytes, compliance);
            this.connection = connection;
        }

        @Override
        public boolean parseNext(ByteBuffer buffer) {
            if (connection.timedOut) {
                // Answered 408: what the client still sends is read (so that closing does not reset the
                // connection) and never parsed, so no request the client was told timed out is handled after all.
                buffer.position(buffer.limit());
                return false;
            }
            boolean handle = super.parseNext(buffer);
            connection.parsed(getState());
            return handle;
        }
    }
}
