package dev.sigil.environment;

import dev.sigil.store.Ids;
import dev.sigil.http.ApiException;
import dev.sigil.keys.SigningKeys;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Creates, reads and changes environments, and rotates their signing keys.
 *
 * <p>Every SDK request reads its environment, so found environments are cached for {@link #CACHE_TTL}: a change
 * made on this node is seen at once, one made on another node within that time.
 */
public final class EnvironmentService {
    public static final Duration CACHE_TTL = Duration.ofSeconds(5);
    public static final int MAX_NAME_LENGTH = 255;
    /** Dynamic's uuid type: lowercase only, exactly 36 characters. */
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final Jdbi jdbi;
    private final EnvironmentStore store;
    private final SigningKeys keys;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Environment environment, Instant loadedAt) {
    }

    public EnvironmentService(Jdbi jdbi, SigningKeys keys, Clock clock) {
        this.jdbi = jdbi;
        this.store = new EnvironmentStore(jdbi);
        this.keys = keys;
        this.clock = clock;
    }

    /** What an admin may set on an environment; empty fields are left as they are. */
    public record Changes(Optional<String> name, Optional<List<String>> allowedOrigins, Optional<ObjectNode> settings) {
    }

    public Environment create(String name, List<String> allowedOrigins) {
        return create(name, allowedOrigins, (h, env) -> { });
    }

    /** Creates an environment; {@code alsoInTransaction} runs in the creating transaction (the admin API's audit row). */
    public Environment create(String name, List<String> allowedOrigins, BiConsumer<Handle, Environment> alsoInTransaction) {
        String checkedName = checkName(name);
        List<String> origins = AllowedOrigins.normalise(allowedOrigins);
        String id = UUID.randomUUID().toString();
        EnvironmentSettings settings = EnvironmentSettings.validate(EnvironmentSettings.defaults());
        Instant now = clock.instant();
        Environment env = new Environment(id, checkedName, origins, settings, settings.jwtDuration().toSeconds(), now, now);
        SigningKeys.NewKey firstKey = keys.generate(id);
        jdbi.useTransaction(h -> {
            store.insert(h, env);
            keys.insertFirst(h, firstKey);
            alsoInTransaction.accept(h, env);
        });
        return env;
    }

    public Optional<Environment> find(String id) {
        if (!Ids.isId(id)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Cached cached = cache.get(id);
        if (cached != null && now.isBefore(cached.loadedAt().plus(CACHE_TTL))) {
            return Optional.of(cached.environment());
        }
        // Only environments that exist are cached: unknown ids cannot grow the cache.
        Optional<Environment> found = store.find(id);
        found.ifPresentOrElse(env -> cache.put(id, new Cached(env, now)), () -> cache.remove(id));
        return found;
    }

    /** The environment or a 404 in the spec's NotFound shape. */
    public Environment require(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("environment not found", "not_found"));
    }

    public List<Environment> list() {
        return store.list();
    }

    public Environment change(String id, Changes changes) {
        return change(id, changes, (h, env) -> { });
    }

    /** Changes an environment; {@code alsoInTransaction} runs in the changing transaction. */
    public Environment change(String id, Changes changes, BiConsumer<Handle, Environment> alsoInTransaction) {
        String name = changes.name().map(EnvironmentService::checkName).orElse(null);
        List<String> origins = changes.allowedOrigins().map(AllowedOrigins::normalise).orElse(null);
        Environment changed = jdbi.inTransaction(h -> {
            Environment current = store.find(h, id)
                    .orElseThrow(() -> ApiException.notFound("environment not found", "not_found"));
            EnvironmentSettings settings = changes.settings()
                    .map(patch -> EnvironmentSettings.validate(EnvironmentSettings.deepMerge(current.settings().document(), patch)))
                    .orElse(current.settings());
            Environment updated = new Environment(current.id(), name != null ? name : current.name(),
                    origins != null ? origins : current.allowedOrigins(), settings,
                    Math.max(current.longestJwtSeconds(), settings.jwtDuration().toSeconds()),
                    current.createdAt(), clock.instant());
            store.update(h, updated);
            alsoInTransaction.accept(h, updated);
            return updated;
        });
        cache.remove(id);
        return changed;
    }

    /** A new key becomes current; the old one verifies until the longest token it can have signed has expired. */
    public String rotateKey(String id) {
        return rotateKey(id, (h, kid) -> { });
    }

    /** Rotates; {@code alsoInTransaction} gets the new kid inside the rotating transaction. */
    public String rotateKey(String id, BiConsumer<Handle, String> alsoInTransaction) {
        Environment env = require(id);
        SigningKeys.NewKey key = keys.generate(env.id());
        jdbi.useTransaction(h -> {
            Environment current = store.find(h, id)
                    .orElseThrow(() -> ApiException.notFound("environment not found", "not_found"));
            keys.rotate(h, key, Duration.ofSeconds(current.longestJwtSeconds()));
            alsoInTransaction.accept(h, key.kid());
        });
        keys.invalidate(env.id());
        return key.kid();
    }

    /** Retires a non-current key of the environment now (see {@link SigningKeys#retire}); 404 or 422 otherwise. */
    public void retireKey(String id, String kid, BiConsumer<Handle, String> alsoInTransaction) {
        Environment env = require(id);
        try {
            jdbi.useTransaction(h -> {
                switch (keys.retire(h, env.id(), kid)) {
                    case RETIRED -> alsoInTransaction.accept(h, kid);
                    case IS_CURRENT -> throw ApiException.unprocessable("key_is_current",
                            "the current signing key cannot be retired: rotate first");
                    case NOT_FOUND -> throw ApiException.notFound("key not found", "not_found");
                }
            });
        } finally {
            keys.invalidate(env.id());
        }
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH || CONTROL.matcher(name).find()) {
            throw ApiException.badRequest("name must be 1 to " + MAX_NAME_LENGTH + " characters without control characters");
        }
        return name.strip();
    }
}
