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
}
