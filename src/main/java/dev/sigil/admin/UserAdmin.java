package dev.sigil.admin;

import dev.sigil.webhook.EventType;
import dev.sigil.webhook.Events;
import dev.sigil.http.ApiException;
import dev.sigil.store.UniqueViolation;
import dev.sigil.http.IsoTime;
import dev.sigil.session.Session;
import dev.sigil.session.SessionDirectory;
import dev.sigil.user.User;
import dev.sigil.user.UserDirectory;
import dev.sigil.user.UserView;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API's operations on users and their sessions. Each change runs in one transaction with its audit row.
 * The SQL stays with its features ({@link UserDirectory}, {@link SessionDirectory}); this class owns the
 * transactions, the 404s and the operator's view of a user.
 */
public final class UserAdmin {
    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Clock clock;
    private final UserDirectory users = new UserDirectory();
    private final SessionDirectory sessions = new SessionDirectory();

    public UserAdmin(Jdbi jdbi, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.clock = clock;
    }

    /** One page of users and the cursor of the next one, empty on the last page. */
    public record Page(List<Map<String, Object>> users, Optional<String> nextCursor) {
    }

    /** Reads {@code limit + 1} rows: the extra row only says whether there is a next page. */
    public Page page(String environmentId, UserDirectory.Query query) {
        return jdbi.withHandle(h -> {
            UserDirectory.Query oneMore = new UserDirectory.Query(query.email(), query.walletAddress(), query.username(),
                    query.createdAfter(), query.createdBefore(), query.afterCreatedAt(), query.afterId(), query.limit() + 1);
            List<UserDirectory.ManagedUser> rows = users.search(h, environmentId, oneMore);
            boolean more = rows.size() > query.limit();
            List<UserDirectory.ManagedUser> shown = more ? rows.subList(0, query.limit()) : rows;
            Optional<String> next = more
                    ? Optional.of(new Cursor(shown.getLast().createdAt(), shown.getLast().user().id()).encode())
                    : Optional.empty();
            List<Map<String, Object>> rendered = new ArrayList<>();
            for (UserDirectory.ManagedUser u : shown) {
                rendered.add(render(h, u));
            }
            return new Page(rendered, next);
        });
    }

    /** The user with credentials and sessions. */
    public Map<String, Object> detail(String environmentId, String userId) {
        return jdbi.withHandle(h -> detail(h, environmentId, userId));
    }

    public Map<String, Object> patch(AdminPrincipal actor, String environmentId, String userId, UserPatch patch) {
        try {
            return patchInTransaction(actor, environmentId, userId, patch);
        } catch (RuntimeException e) {
            // Two writers racing for one username: the loser meets the unique username_key index.
            if (UniqueViolation.isCause(e)) {
                throw ApiException.unprocessable("username_already_exists", "username belongs to another user");
            }
            throw e;
        }
    }

    private Map<String, Object> patchInTransaction(AdminPrincipal actor, String environmentId, String userId, UserPatch patch) {
        return jdbi.inTransaction(h -> {
            requireUser(h, environmentId, userId);
            for (String unique : List.of("username", "email")) {
                Object value = patch.fields().get(unique);
                if (value instanceof String text && users.takenByAnother(h, environmentId, userId, unique, text)) {
                    throw ApiException.unprocessable(unique + "_already_exists", unique + " belongs to another user");
                }
            }
            users.update(h, userId, patch.fields(), patch.metadataJson(), clock.instant());
            List<String> changed = new ArrayList<>(patch.fields().keySet());
            patch.metadataJson().ifPresent(m -> changed.add("metadata"));
            // Field names only: values may be personal data the log should not copy.
            audit.record(h, actor, environmentId, "user.update", "user", userId, Map.of("fields", changed));
            Events.publish(h, environmentId, EventType.USER_UPDATED, userId, Map.of("fields", changed));
            return detail(h, environmentId, userId);
        });
    }

    public void delete(AdminPrincipal actor, String environmentId, String userId) {
        jdbi.useTransaction(h -> {
            if (!users.delete(h, environmentId, userId)) {
                throw userNotFound();
            }
            audit.record(h, actor, environmentId, "user.delete", "user", userId, Map.of());
            Events.publish(h, environmentId, EventType.USER_DELETED, userId, Map.of());
        });
    }

    /** Blocks or unblocks; blocking an already blocked user keeps the first time. */
    public Map<String, Object> setBlocked(AdminPrincipal actor, String environmentId, String userId, boolean blocked) {
        return jdbi.inTransaction(h -> {
            UserDirectory.ManagedUser user = requireUser(h, environmentId, userId);
            Instant now = clock.instant();
            Optional<Instant> blockedAt = blocked ? Optional.of(user.blockedAt().orElse(now)) : Optional.empty();
            users.setBlocked(h, environmentId, userId, blockedAt, now);
            audit.record(h, actor, environmentId, blocked ? "user.block" : "user.unblock", "user", userId, Map.of());
            Events.publish(h, environmentId, EventType.USER_UPDATED, userId, Map.of("fields", List.of("blocked")));
            return detail(h, environmentId, userId);
        });
    }

    public List<Map<String, Object>> sessionsOf(String environmentId, String userId) {
        return jdbi.withHandle(h -> {
            requireUser(h, environmentId, userId);
            return sessions.ofUser(h, environmentId, userId).stream().map(this::render).toList();
        });
    }

    public int revokeSessionsOf(AdminPrincipal actor, String environmentId, String userId) {
        return jdbi.inTransaction(h -> {
            requireUser(h, environmentId, userId);
            int revoked = sessions.revokeAllOfUser(h, environmentId, userId, clock.instant());
            audit.record(h, actor, environmentId, "session.revoke_user", "user", userId, Map.of("revoked", revoked));
            Events.publish(h, environmentId, EventType.SESSION_REVOKED, userId,
                    Map.of("allSessions", true, "revoked", revoked));
            return revoked;
        });
    }

    public int revokeSession(AdminPrincipal actor, String environmentId, String sessionId) {
        return jdbi.inTransaction(h -> {
            Session session = sessions.find(h, environmentId, sessionId)
                    .orElseThrow(() -> ApiException.notFound("session not found", "not_found"));
            int revoked = sessions.revoke(h, environmentId, sessionId, clock.instant());
            audit.record(h, actor, environmentId, "session.revoke", "session", sessionId, Map.of("revoked", revoked));
            Events.publish(h, environmentId, EventType.SESSION_REVOKED, session.userId(), Map.of("sessionId", sessionId));
            return revoked;
        });
    }

    public int revokeAllSessions(AdminPrincipal actor, String environmentId) {
        return jdbi.inTransaction(h -> {
            int revoked = sessions.revokeAll(h, environmentId, clock.instant());
            audit.record(h, actor, environmentId, "session.revoke_environment", "environment", environmentId,
                    Map.of("revoked", revoked));
            Events.publish(h, environmentId, EventType.SESSION_REVOKED, Optional.empty(),
                    Map.of("allSessionsOfEnvironment", true, "revoked", revoked));
            return revoked;
        });
    }

    private Map<String, Object> detail(Handle h, String environmentId, String userId) {
        Map<String, Object> out = render(h, requireUser(h, environmentId, userId));
        out.put("sessions", sessions.ofUser(h, environmentId, userId).stream().map(this::render).toList());
        return out;
    }

    private UserDirectory.ManagedUser requireUser(Handle h, String environmentId, String userId) {
        return users.find(h, environmentId, userId).orElseThrow(UserAdmin::userNotFound);
    }

    private static ApiException userNotFound() {
        return ApiException.notFound("user not found", "not_found");
    }

    private Map<String, Object> render(Handle h, UserDirectory.ManagedUser managed) {
        User user = managed.user();
        User.Profile p = user.profile();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", user.id());
        out.put("environmentId", user.environmentId());
        out.put("email", p.email().orElse(null));
        out.put("username", p.username().orElse(null));
        out.put("alias", p.alias().orElse(null));
        out.put("firstName", p.firstName().orElse(null));
        out.put("lastName", p.lastName().orElse(null));
        out.put("phoneNumber", p.phoneNumber().orElse(null));
        out.put("country", p.country().orElse(null));
        out.put("jobTitle", p.jobTitle().orElse(null));
        out.put("team", p.team().orElse(null));
        out.put("tShirtSize", p.tShirtSize().orElse(null));
        out.put("policiesConsent", p.policiesConsent().orElse(null));
        out.put("btcWallet", p.btcWallet().orElse(null));
        out.put("kdaWallet", p.kdaWallet().orElse(null));
        out.put("ltcWallet", p.ltcWallet().orElse(null));
        out.put("ckbWallet", p.ckbWallet().orElse(null));
        out.put("kasWallet", p.kasWallet().orElse(null));
        out.put("dogeWallet", p.dogeWallet().orElse(null));
        out.put("emailNotification", p.emailNotification().orElse(null));
        out.put("discordNotification", p.discordNotification().orElse(null));
        out.put("newsletterNotification", p.newsletterNotification().orElse(null));
        out.put("metadata", user.metadata());
        out.put("blocked", managed.blockedAt().isPresent());
        out.put("blockedAt", managed.blockedAt().map(IsoTime::format).orElse(null));
        out.put("createdAt", IsoTime.format(managed.createdAt()));
        out.put("firstVisit", IsoTime.format(user.firstVisit()));
        out.put("lastVisit", IsoTime.format(user.lastVisit()));
        out.put("lastVerifiedCredentialId", user.lastVerifiedCredentialId().orElse(null));
        out.put("credentials", users.credentials(h, user.id()).stream().map(UserView::credential).toList());
        return out;
    }

    private Map<String, Object> render(Session s) {
        Instant now = clock.instant();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("userId", s.userId());
        out.put("status", s.revokedAt().isPresent() ? "revoked" : s.isLiveAt(now) ? "active" : "expired");
        out.put("signinCredentialId", s.signinCredentialId());
        out.put("createdAt", IsoTime.format(s.createdAt()));
        out.put("expiresAt", IsoTime.format(s.expiresAt()));
        out.put("revokedAt", s.revokedAt().map(IsoTime::format).orElse(null));
        return out;
    }
}
