package dev.sigil.admin;

import java.util.Set;

/** Who is calling the admin API: the operator (everything) or a scoped API token (one environment, some scopes). */
public sealed interface AdminPrincipal {
    /** How the audit log names the caller: {@code admin} or {@code token:<id>}. */
    String actor();

    record Operator() implements AdminPrincipal {
        @Override
        public String actor() {
            return "admin";
        }
    }

    record ApiToken(String id, String environmentId, Set<Scope> scopes) implements AdminPrincipal {
        public ApiToken {
            scopes = Set.copyOf(scopes);
        }

        @Override
        public String actor() {
            return "token:" + id;
        }
    }
}
