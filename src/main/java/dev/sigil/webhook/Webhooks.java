package dev.sigil.webhook;

import dev.sigil.admin.AdminPrincipal;
import dev.sigil.admin.AuditLog;
import dev.sigil.http.ApiException;
import dev.sigil.http.IsoTime;
import dev.sigil.http.Json;
import dev.sigil.keys.MasterKey;
import org.jdbi.v3.core.Jdbi;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The webhook endpoints of an environment: register, list, delete. The signing secret ({@code whsec_} + 256 random
 * bits, base64url) is shown once at registration and stored AES-GCM encrypted with the master key, bound to the
 * endpoint id: Sigil must use the secret to sign, so a hash would not do, and a copy of the database alone does not
 * let anyone forge deliveries.
 *
 * <p>Sigil POSTs to whatever http(s) URL the admin registers, internal addresses included: registering endpoints is
 * an operator privilege ({@code webhooks:write}), not something end users reach.
 */
public final class Webhooks {
    public static final String SECRET_PREFIX = "whsec_";
    public static final int MAX_URL_LENGTH = 2048;
    static final int MAX_PER_ENVIRONMENT = 50;

    private final Jdbi jdbi;
    private final MasterKey masterKey;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;

    public Webhooks(Jdbi jdbi, MasterKey masterKey, AuditLog audit, SecureRandom random, Clock clock) {
        this.jdbi = jdbi;
        this.masterKey = masterKey;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    /** An endpoint as listed: never its secret. */
    public record Webhook(String id, String environmentId, String url, Set<EventType> events, Instant createdAt) {
    }

    /** A new endpoint with the only copy of its secret the API ever shows. */
    public record Created(Webhook webhook, String secret) {
    }

    public Created create(AdminPrincipal actor, String environmentId, String url, Set<EventType> events) {
        URI uri = validUrl(url);
        if (events.isEmpty()) {
            throw ApiException.badRequest("events must name at least one event type");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Arrays.fill(bytes, (byte) 0);
        Webhook webhook = new Webhook(UUID.randomUUID().toString(), environmentId, uri.toString(),
                EnumSet.copyOf(events), clock.instant());
        jdbi.useTransaction(h -> {
            int existing = h.createQuery("SELECT COUNT(*) FROM webhooks WHERE environment_id = :env")
                    .bind("env", environmentId).mapTo(Integer.class).one();
            if (existing >= MAX_PER_ENVIRONMENT) {
                throw ApiException.unprocessable("too_many_webhooks",
                        "an environment may have at most " + MAX_PER_ENVIRONMENT + " webhooks");
            }
            h.createUpdate("""
                            INSERT INTO webhooks (id, environment_id, url, events, secret_enc, created_at)
                            VALUES (:id, :env, :url, :events, :secret, :created)""")
                    .bind("id", webhook.id()).bind("env", environmentId).bind("url", webhook.url())
                    .bind("events", Json.writeString(wireNames(webhook.events())))
                    .bind("secret", masterKey.encrypt(secret.getBytes(StandardCharsets.UTF_8), associatedData(webhook.id())))
                    .bind("created", webhook.createdAt().toEpochMilli())
                    .execute();
            audit.record(h, actor, environmentId, "webhook.create", "webhook", webhook.id(),
                    Map.of("url", webhook.url(), "events", wireNames(webhook.events())));
        });
        return new Created(webhook, secret);
    }

    public List<Webhook> list(String environmentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhooks WHERE environment_id = :env ORDER BY created_at, id")
                .bind("env", environmentId)
                .map((rs, ctx) -> new Webhook(rs.getString("id"), rs.getString("environment_id"), rs.getString("url"),
                        eventsOf(rs.getString("events")), Instant.ofEpochMilli(rs.getLong("created_at"))))
                .list());
    }

    /** Whether the environment has this endpoint (for the deliveries routes' 404). */
    public boolean exists(String environmentId, String webhookId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM webhooks WHERE id = :id AND environment_id = :env")
                .bind("id", webhookId).bind("env", environmentId).mapTo(Integer.class).one() == 1);
    }

    /** Deletes the endpoint and its delivery log; deliveries still pending are dropped with it. */
    public void delete(AdminPrincipal actor, String environmentId, String webhookId) {
        jdbi.useTransaction(h -> {
            int deleted = h.createUpdate("DELETE FROM webhooks WHERE id = :id AND environment_id = :env")
                    .bind("id", webhookId).bind("env", environmentId).execute();
            if (deleted != 1) {
                throw ApiException.notFound("webhook not found", "not_found");
            }
            h.createUpdate("""
                            DELETE FROM webhook_attempts WHERE delivery_id IN
                                (SELECT id FROM webhook_deliveries WHERE webhook_id = :id)""")
                    .bind("id", webhookId).execute();
            h.createUpdate("DELETE FROM webhook_deliveries WHERE webhook_id = :id").bind("id", webhookId).execute();
            audit.record(h, actor, environmentId, "webhook.delete", "webhook", webhookId, Map.of());
        });
    }

    /** The signing secret of an endpoint, for the worker; empty when the endpoint was deleted meanwhile. */
    Optional<Target> target(String webhookId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT url, secret_enc FROM webhooks WHERE id = :id")
                .bind("id", webhookId)
                .map((rs, ctx) -> new Target(URI.create(rs.getString("url")),
                        masterKey.decrypt(rs.getString("secret_enc"), associatedData(webhookId))))
                .findOne());
    }

    /** Where and with what to sign one delivery. */
    record Target(URI url, byte[] secret) {
    }

    public static Map<String, Object> render(Webhook webhook) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", webhook.id());
        out.put("environmentId", webhook.environmentId());
        out.put("url", webhook.url());
        out.put("events", wireNames(webhook.events()));
        out.put("createdAt", IsoTime.format(webhook.createdAt()));
        return out;
    }

    /** An absolute http or https URL with a host, no user info, no fragment; 400 otherwise. */
    static URI validUrl(String url) {
        String problem = "url must be an absolute http or https URL like https://example.com/hooks/sigil";
        if (url.length() > MAX_URL_LENGTH) {
            throw ApiException.badRequest("url must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest(problem);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isEmpty()
                || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw ApiException.badRequest(problem);
        }
        return uri;
    }

    static List<String> wireNames(Set<EventType> events) {
        return events.stream().sorted().map(EventType::wireName).toList();
    }

    static Set<EventType> eventsOf(String json) {
        return Arrays.stream(Json.MAPPER.readValue(json, String[].class))
                .flatMap(name -> EventType.of(name).stream())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(EventType.class)));
    }

    private static String associatedData(String webhookId) {
        return "webhook-secret:" + webhookId;
    }
}
