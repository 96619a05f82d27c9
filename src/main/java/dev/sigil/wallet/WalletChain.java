package dev.sigil.wallet;

import java.util.Optional;

/**
 * What differs between the chains Sigil verifies wallets of: how an address is written, which account kind the
 * sign-in message names, the credential's chain name, and how the signature is checked. Everything else about a
 * signed message (nonce, domain, URI, Request ID, times) is the same and lives in {@link WalletProofs}.
 */
public sealed interface WalletChain {

    /** The chain for a ChainEnum value of a VerifyRequest; empty for chains Sigil does not verify. */
    static Optional<WalletChain> of(String chainEnum) {
        return switch (chainEnum) {
            case "EVM", "ETH" -> Optional.of(new Evm());
            case "SOL" -> Optional.of(new Solana());
            default -> Optional.empty();
        };
    }

    /** The word in the message's first line: "... sign in with your {accountKind} account:". */
    String accountKind();

    /** The VC chain name credentials carry ({@code eip155}, {@code solana}); the client throws on ChainEnum values. */
    String credentialChain();

    /** Whether {@code address} is well-formed for this chain. */
    boolean isAddress(String address);

    /** Whether the message's address names the same account as {@code publicWalletAddress}. */
    boolean sameAddress(String messageAddress, String publicWalletAddress);

    /** Whether {@code signature} over {@code message} was made by {@code address}'s key. */
    boolean isSignedBy(String message, String signature, String address);

    /** The address as the credential shows it. */
    String canonical(String address);

    /** EVM: EIP-191 {@code personal_sign}, EIP-55 addresses whose case is only a checksum. */
    record Evm() implements WalletChain {
        @Override
        public String accountKind() {
            return "Ethereum";
        }

        @Override
        public String credentialChain() {
            return "eip155";
        }

        @Override
        public boolean isAddress(String address) {
            return Eip55.isAddress(address);
        }

        @Override
        public boolean sameAddress(String messageAddress, String publicWalletAddress) {
            return messageAddress.equalsIgnoreCase(publicWalletAddress) && Eip55.isAddress(messageAddress);
        }

        @Override
        public boolean isSignedBy(String message, String signature, String address) {
            return EvmSignature.isSignedBy(message, signature, address);
        }

        @Override
        public String canonical(String address) {
            return Eip55.checksum(address);
        }
    }

    /** Solana: Ed25519 over the message bytes; the base58 address is the public key and is case-sensitive. */
    record Solana() implements WalletChain {
        @Override
        public String accountKind() {
            return "Solana";
        }

        @Override
        public String credentialChain() {
            return "solana";
        }

        @Override
        public boolean isAddress(String address) {
            return SolanaSignature.isAddress(address);
        }

        @Override
        public boolean sameAddress(String messageAddress, String publicWalletAddress) {
            return messageAddress.equals(publicWalletAddress);
        }

        @Override
        public boolean isSignedBy(String message, String signature, String address) {
            return SolanaSignature.isSignedBy(message, signature, address);
        }

        @Override
        public String canonical(String address) {
            return address;
        }
    }
}
