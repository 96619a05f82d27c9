package dev.sigil.externalauth;

/**
 * Who a verified external token says the user is.
 *
 * @param subject the token's {@code sub}: the user's id at the app's own auth, 1 to 255 characters
 */
public record ExternalIdentity(String subject) {
}
