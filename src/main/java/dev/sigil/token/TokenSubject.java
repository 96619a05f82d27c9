package dev.sigil.token;

import dev.sigil.user.Account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a pair of tokens is about: the account as stored now, the session it belongs to and where it is used.
 *
 * @param audience          the {@code aud} claim: the allowed Origin of the request, else the first allowed origin
 * @param signinCredentialId the credential that opened the session; fixed for its life
 * @param refreshExp        the session's absolute end; no token outlives it
 * @param missingFields     the required KYC fields the user has not filled ({@code missing_fields})
 */
public record TokenSubject(String environmentId, Account account, String sessionId, String signinCredentialId,
                           Instant refreshExp, Optional<String> sessionPublicKey, String audience, boolean newUser,
                           String scope, List<Object> missingFields) {
    public TokenSubject {
        missingFields = List.copyOf(missingFields);
    }
}
