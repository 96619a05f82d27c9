package dev.sigil.externalauth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The public keys of the apps' own auth servers, fetched from their JWKS URLs and cached per URL.
 *
 * <p>A cached set is trusted for {@link #TTL}, after which the next sign-in fetches it again. An unknown
 * {@code kid} may mean the issuer rotated its keys, so it triggers a refetch, but at most one fetch per URL
 * every {@link #MIN_FETCH_INTERVAL}: otherwise anyone could make every sign-in request a request to the
 * issuer by sending random kids. Fetches are bounded ({@link #CONNECT_TIMEOUT}, {@link #READ_TIMEOUT},
 * {@link #MAX_BYTES}), do not follow redirects, and keep only public keys. A set that cannot be fetched fails
 * closed: no stale keys are used past their TTL.
 */
public final class RemoteJwks {
    public static final Duration TTL = Duration.ofMinutes(5);
    public static final Duration MIN_FETCH_INTERVAL = Duration.ofSeconds(30);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    public static final int MAX_BYTES = 256 * 1024;
    private static final Logger log = LoggerFactory.getLogger(RemoteJwks.class);

    private final Map<URI, Entry> entries = new ConcurrentHashMap<>();
    private final DefaultResourceRetriever retriever = new NoRedirectRetriever();
    private final Clock clock;

    public RemoteJwks(Clock clock) {
        this.clock = clock;
    }

    /** The JWKS could not be fetched or parsed. The message names no key material. */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    /** One URL's cached keys; the lock makes concurrent sign-ins share one fetch. */
    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        Optional<JWKSet> keys = Optional.empty();
        Instant fetchedAt = Instant.MIN;
        Instant lastAttempt = Instant.MIN;
    }

    /** The current keys of {@code url}: cached while fresh, else fetched. */
    public JWKSet keys(URI url) throws UnavailableException {
        Entry entry = entries.computeIfAbsent(url, u -> new Entry());
        entry.lock.lock();
        try {
            Instant now = clock.instant();
            if (entry.keys.isPresent() && now.isBefore(entry.fetchedAt.plus(TTL))) {
                return entry.keys.get();
            }
            if (!fetchAllowed(entry, now)) {
                throw new UnavailableException("the JWKS could not be fetched recently; try again later");
            }
            return fetch(url, entry, now);
        } finally {
            entry.lock.unlock();
        }
    }

    /**
     * Called when a token names a kid the cached set lacks: fetches the set again unless it was fetched (or
     * tried) within {@link #MIN_FETCH_INTERVAL}, in which case the cached set is the answer.
     */
    public JWKSet refreshed(URI url, JWKSet seen) throws UnavailableException {
        Entry entry = entries.computeIfAbsent(url, u -> new Entry());
        entry.lock.lock();
        try {
            Instant now = clock.instant();
            if (entry.keys.isPresent() && entry.keys.get() != seen) {
                return entry.keys.get(); // another request refreshed it while this one waited
            }
            if (!fetchAllowed(entry, now)) {
                return seen;
            }
            return fetch(url, entry, now);
        } finally {
            entry.lock.unlock();
        }
    }

    private static boolean fetchAllowed(Entry entry, Instant now) {
        return !now.isBefore(entry.lastAttempt.plus(MIN_FETCH_INTERVAL));
    }

    private JWKSet fetch(URI url, Entry entry, Instant now) throws UnavailableException {
        entry.lastAttempt = now;
        try {
            Resource resource = retriever.retrieveResource(url.toURL());
            JWKSet keys = JWKSet.parse(resource.getContent()).toPublicJWKSet();
            entry.keys = Optional.of(keys);
            entry.fetchedAt = now;
            return keys;
        } catch (IOException | ParseException | IllegalArgumentException e) {
            log.warn("external auth: could not fetch the JWKS at {}: {}", url, e.getMessage());
            throw new UnavailableException("the JWKS of the external issuer could not be fetched");
        }
    }

    /** Nimbus's bounded retriever (timeouts, size limit, HTTP status check) without following redirects. */
    private static final class NoRedirectRetriever extends DefaultResourceRetriever {
        NoRedirectRetriever() {
            super((int) CONNECT_TIMEOUT.toMillis(), (int) READ_TIMEOUT.toMillis(), MAX_BYTES, true);
        }

        @Override
        protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
            HttpURLConnection connection = super.openHTTPConnection(url);
            connection.setInstanceFollowRedirects(false);
            return connection;
        }
    }
}
