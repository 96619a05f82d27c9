package dev.sigil.testing;

import dev.sigil.wallet.Base58;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/** A Solana wallet with a real Ed25519 key from the JDK, signing the message bytes as Phantom's signMessage does. */
public final class SolanaTestWallet {
    private final KeyPair keyPair;
    private final String address;

    private SolanaTestWallet(KeyPair keyPair) {
        this.keyPair = keyPair;
        // RFC 8410: an Ed25519 SubjectPublicKeyInfo ends with the 32 raw key bytes, which are the Solana address.
        byte[] encoded = keyPair.getPublic().getEncoded();
        this.address = Base58.encode(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    }

    public static SolanaTestWallet random() {
        try {
            return new SolanaTestWallet(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String address() {
        return address;
    }

    public byte[] signatureBytes(String message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(keyPair.getPrivate());
            signer.update(message.getBytes(StandardCharsets.UTF_8));
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signature in base58, as Phantom and most Solana connectors send it. */
    public String sign(String message) {
        return Base58.encode(signatureBytes(message));
    }

    public String signHex(String message) {
        return HexFormat.of().formatHex(signatureBytes(message));
    }

    /** Dynamic's client message for Solana: the EVM layout, "Solana account", and no Chain ID line. */
    public static String message(String domain, String uri, String address, String nonce, Instant issuedAt, String environmentId) {
        return TestWallet.message(domain, uri, address, nonce, issuedAt, environmentId)
                .replace("with your Ethereum account:", "with your Solana account:")
                .replace("Chain ID: 1\n", "");
    }
}
