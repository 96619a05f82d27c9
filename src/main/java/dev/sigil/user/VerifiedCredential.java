package dev.sigil.user;

import java.time.Instant;
import java.util.Optional;

/**
 * Something a user proved they control: a wallet, an email, a phone number, an external identity.
 *
 * @param format        Dynamic's JwtVerifiedCredentialFormatEnum value ({@code blockchain}, {@code email}, ...)
 * @param chain         for wallets, the VC chain name ({@code eip155}, {@code solana}); never {@code EVM}/{@code SOL}
 * @param identifier    as shown to clients: the EIP-55 address, the email as entered
 */
public record VerifiedCredential(
        String id,
        String userId,
        String environmentId,
        String format,
        Optional<String> chain,
        String identifier,
        Optional<String> walletName,
        Optional<String> walletProvider,
        boolean signInEnabled,
        Instant verifiedAt,
        Instant lastSelectedAt) {

    public static final String BLOCKCHAIN = "blockchain";
    /** A subject of the app's own auth, proven by a JWT it signed (external auth); identifier = the JWT's {@code sub}. */
    public static final String EXTERNAL_USER = "externalUser";
    public static final String EMAIL = "email";
    public static final String PHONE_NUMBER = "phoneNumber";
}
