package dev.sigil.wallet;

import java.util.Optional;

/**
 * Dynamic's VerifyRequest, the body of every wallet sign-in and link call.
 *
 * @param chain          a ChainEnum value as sent ({@code EVM}, {@code ETH}, {@code SOL}, ...)
 * @param walletName     echoed back exactly: the client rebuilds wallet keys from it
 */
public record VerifyRequest(String messageToSign, String signedMessage, String publicWalletAddress, String chain,
                            String walletName, String walletProvider, Optional<String> sessionPublicKey) {
}
