package dev.sigil.keys;

import dev.sigil.store.Ids;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-environment RSA signing keys: created with the environment, rotated on demand, published as JWKS.
 *
 * <p>Keys are cached per environment as an immutable {@link KeyRing}. A ring is reloaded from the database
 * when older than {@link #RING_TTL} (so a rotation on another node is picked up) and when a token names a
 * kid the ring does not know but the database does (so a key another node just rotated in verifies here on the
 * first request; random kids cost one primary-key lookup, never a reload). A rotated key keeps verifying until
 * no token it signed can be alive.
 */
public final class SigningKeys {
    public static final int RSA_BITS = 2048;
    static final Duration RING_TTL = Duration.ofSeconds(5);
    static final Duration UNKNOWN_KID_RELOAD_INTERVAL = Duration.ofSeconds(1);

    private final SigningKeyStore store;
    private final MasterKey masterKey;
    private final Clock clock;
    private final Map<String, KeyRing> rings = new ConcurrentHashMap<>();

    public SigningKeys(Jdbi jdbi, MasterKey masterKey, Clock clock) {
        this.store = new SigningKeyStore(jdbi);
        this.masterKey = masterKey;
        this.clock = clock;
    }

    /** A freshly generated key pair, sealed and ready to insert; generation is slow, so do it outside transactions. */
    public NewKey generate(String environmentId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS);
            KeyPair pair = generator.generateKeyPair();
            RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
            String kid = UUID.randomUUID().toString();
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            String sealed = masterKey.encrypt(pkcs8, associatedData(kid, environmentId));
            Arrays.fill(pkcs8, (byte) 0);
            return new NewKey(new StoredKey(kid, environmentId, Base64URL.encode(pub.getModulus()).toString(),
                    Base64URL.encode(pub.getPublicExponent()).toString(), sealed, clock.instant(),
                    Optional.empty(), Optional.empty()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key pair", e);
        }
    }

    /** Stores the first key of a new environment, inside the caller's transaction. */
    public void insertFirst(Handle h, NewKey key) {
        store.insert(h, key.stored());
    }

    /**
     * Makes {@code key} the environment's current key. The previous one stays in the JWKS until
     * {@code longestTokenLifetime} from now, plus {@link #RING_TTL} because other nodes may sign with it until
     * their cached ring expires: no token it signed can outlive that.
     */
    public void rotate(Handle h, NewKey key, Duration longestTokenLifetime) {
        Instant now = clock.instant();
        store.retireCurrent(h, key.stored().environmentId(), now, now.plus(longestTokenLifetime).plus(RING_TTL));
        store.insert(h, key.stored());
    }

    /** What retiring a key came to. */
    public enum Retirement { RETIRED, IS_CURRENT, NOT_FOUND }

    /**
     * Retires a non-current key now: it leaves the JWKS at once and this node stops verifying with it at once
     * (other nodes within {@link #RING_TTL}, when their cached ring reloads). Tokens it signed stop working.
     * The current key cannot be retired: rotate first.
     */
    public Retirement retire(Handle h, String environmentId, String kid) {
        Instant now = clock.instant();
        boolean isCurrent = store.liveKeys(h, environmentId, now).stream().anyMatch(k -> k.kid().equals(kid) && k.isCurrent());
        if (isCurrent) {
            return Retirement.IS_CURRENT;
        }
        return store.endVerification(h, environmentId, kid, now) ? Retirement.RETIRED : Retirement.NOT_FOUND;
    }

    /** Forgets the cached ring so the next use reads the database (after this node rotated). */
    public void invalidate(String environmentId) {
        rings.remove(environmentId);
    }

    /** The key new tokens of the environment are signed with. */
    public ActiveKey current(String environmentId) {
        KeyRing ring = ring(environmentId);
        return ring.current().orElseThrow(() -> new IllegalStateException("environment has no current signing key"));
    }

    /** The verifier for {@code kid} if it is one of the environment's live keys. */
    public Optional<JWSVerifier> verifier(String environmentId, String kid) {
        KeyRing ring = ring(environmentId);
        Instant now = clock.instant();
        Optional<VerifyingKey> key = ring.verifying(kid);
        // A kid the ring lacks may be a key another node just rotated in: its tokens must verify here at once.
        // Reloading the whole ring is throttled; within the throttle a primary-key lookup of that one kid decides,
        // so random kids cost one cheap query and never a ring reload.
        if (key.isEmpty() && !Ids.isId(kid)) {
            // Not a kid Sigil ever makes (they are UUIDs): no query for it, and no NUL for PostgreSQL to refuse.
            return Optional.empty();
        }
        if (key.isEmpty() && (ring.loadedAt().plus(UNKNOWN_KID_RELOAD_INTERVAL).isBefore(now)
                || store.isLive(environmentId, kid, now))) {
            ring = reload(environmentId);
            key = ring.verifying(kid);
        }
        return key.filter(k -> k.stored().mayVerifyAt(now)).map(VerifyingKey::verifier);
    }

    /** The public JWKS of the environment: every key that may still verify a live token. Read fresh each time. */
    public List<Map<String, Object>> jwks(String environmentId) {
        return store.liveKeys(environmentId, clock.instant()).stream().map(SigningKeys::jwk).toList();
    }

    /** Key summaries for operators: kid, status and times. */
    public List<Map<String, Object>> describe(String environmentId) {
        return store.liveKeys(environmentId, clock.instant()).stream().map(k -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kid", k.kid());
            row.put("alg", "RS256");
            row.put("status", k.isCurrent() ? "current" : "retired");
            row.put("createdAt", k.createdAt().toString());
            row.put("retiredAt", k.retiredAt().map(Instant::toString).orElse(null));
            row.put("verifyUntil", k.verifyUntil().map(Instant::toString).orElse(null));
            return row;
        }).toList();
    }

    private static Map<String, Object> jwk(StoredKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kid", key.kid());
        jwk.put("alg", "RS256");
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("n", key.publicN());
        jwk.put("e", key.publicE());
        return jwk;
    }

    private KeyRing ring(String environmentId) {
        KeyRing ring = rings.get(environmentId);
        if (ring == null || ring.loadedAt().plus(RING_TTL).isBefore(clock.instant())) {
            ring = reload(environmentId);
        }
        return ring;
    }

    private KeyRing reload(String environmentId) {
        Instant now = clock.instant();
        KeyRing previous = rings.get(environmentId);
        Map<String, VerifyingKey> verifying = new LinkedHashMap<>();
        ActiveKey current = null;
        for (StoredKey key : store.liveKeys(environmentId, now)) {
            // Reuse parsed keys from the previous ring: decrypting and parsing RSA keys is not free.
            Optional<VerifyingKey> known = previous == null ? Optional.empty() : previous.verifying(key.kid());
            VerifyingKey vk = known.map(k -> new VerifyingKey(key, k.verifier())).orElseGet(() -> new VerifyingKey(key, verifierOf(key)));
            verifying.put(key.kid(), vk);
            if (key.isCurrent() && current == null) {
                current = previous != null && previous.current().filter(a -> a.kid().equals(key.kid())).isPresent()
                        ? previous.current().get()
                        : new ActiveKey(key.kid(), signerOf(key));
            }
        }
        KeyRing ring = new KeyRing(now, Optional.ofNullable(current), Map.copyOf(verifying));
        rings.put(environmentId, ring);
        return ring;
    }

    private JWSSigner signerOf(StoredKey key) {
        byte[] pkcs8 = masterKey.decrypt(key.privateKeySealed(), associatedData(key.kid(), key.environmentId()));
        try {
            return new RSASSASigner(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored signing key " + key.kid() + " is not an RSA private key", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** Whether {@code key} unseals one of the database's signing keys (any one: a master key seals them all). */
    static boolean opensAStoredKey(Jdbi jdbi, MasterKey key) {
        return new SigningKeyStore(jdbi).anyKey().map(stored -> {
            try {
                Arrays.fill(key.decrypt(stored.privateKeySealed(), associatedData(stored.kid(), stored.environmentId())),
                        (byte) 0);
                return true;
            } catch (IllegalStateException wrongKey) {
                return false;
            }
        }).orElse(true);
    }

    private static JWSVerifier verifierOf(StoredKey key) {
        try {
            RSAKey jwk = new RSAKey.Builder(new Base64URL(key.publicN()), new Base64URL(key.publicE()))
                    .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).keyID(key.kid()).build();
            return new RSASSAVerifier(jwk);
        } catch (JOSEException e) {
            throw new IllegalStateException("stored public key " + key.kid() + " is invalid", e);
        }
    }

    private static String associatedData(String kid, String environmentId) {
        return "sigil-signing-key:" + environmentId + ":" + kid;
    }

    /** The key that signs new tokens. */
    public record ActiveKey(String kid, JWSSigner signer) {
    }

    /** A generated key not yet stored. */
    public record NewKey(StoredKey stored) {
        public String kid() {
            return stored.kid();
        }
    }

    private record VerifyingKey(StoredKey stored, JWSVerifier verifier) {
    }

    private record KeyRing(Instant loadedAt, Optional<ActiveKey> current, Map<String, VerifyingKey> keys) {
        Optional<VerifyingKey> verifying(String kid) {
            return Optional.ofNullable(keys.get(kid));
        }
    }
}
