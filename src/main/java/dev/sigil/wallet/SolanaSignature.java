package dev.sigil.wallet;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Verifies Solana wallet signatures: Ed25519 (RFC 8032) over the UTF-8 bytes of the message, by the key that
 * the base58 address is. Wallets hand the 64-byte signature over in base58 (Phantom, Solflare) or hex; both are
 * accepted. Like {@link EvmSignature}, these methods never throw on bad input: it verifies nothing.
 */
public final class SolanaSignature {
    static final int PUBLIC_KEY_BYTES = 32;
    static final int SIGNATURE_BYTES = 64;
    private static final int HEX_CHARS = 2 * SIGNATURE_BYTES;

    private SolanaSignature() {
    }

    /** Whether {@code address} is base58 for 32 bytes, the length of an Ed25519 public key. */
    public static boolean isAddress(String address) {
        return publicKeyBytes(address).isPresent();
    }

    /** Whether {@code signature} is {@code address}'s Ed25519 signature of the UTF-8 bytes of {@code message}. */
    public static boolean isSignedBy(String message, String signature, String address) {
        if (message == null) {
            return false;
        }
        Optional<byte[]> key = publicKeyBytes(address);
        Optional<byte[]> sig = signatureBytes(signature);
        return key.isPresent() && sig.isPresent() && verify(key.get(), message.getBytes(StandardCharsets.UTF_8), sig.get());
    }

    /**
     * RFC 8032 §5.1.7 verification with the JDK's provider, from the raw 32-byte key, after libsodium's stricter
     * checks of {@link Ed25519Encoding}: no small-order or non-canonical key or R, no S ≥ L. Without them the
     * keyless identity point's address "signs" every message with R = identity, S = 0.
     */
    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        byte[] r = Arrays.copyOfRange(signature, 0, Ed25519Encoding.BYTES);
        byte[] s = Arrays.copyOfRange(signature, Ed25519Encoding.BYTES, SIGNATURE_BYTES);
        if (!Ed25519Encoding.isCanonicalPoint(publicKey) || Ed25519Encoding.hasSmallOrder(publicKey)
                || !Ed25519Encoding.isCanonicalPoint(r) || Ed25519Encoding.hasSmallOrder(r)
                || !Ed25519Encoding.isCanonicalScalar(s)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey(publicKey));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // A key that is no curve point, or a signature whose R or S is out of range: not a signature.
            return false;
        }
    }

    /**
     * RFC 8032 §5.1.2/§5.1.3: the 32 bytes are the little-endian y coordinate, with the most significant bit of the
     * last byte holding whether x is odd. The JDK wants them apart, y as a (big-endian) BigInteger.
     */
    private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        boolean xOdd = (raw[PUBLIC_KEY_BYTES - 1] & 0x80) != 0;
        byte[] bigEndian = new byte[PUBLIC_KEY_BYTES];
        for (int i = 0; i < PUBLIC_KEY_BYTES; i++) {
            bigEndian[i] = raw[PUBLIC_KEY_BYTES - 1 - i];
        }
        bigEndian[0] &= 0x7F;
        EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
        return KeyFactory.getInstance("Ed25519").generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }

    private static Optional<byte[]> publicKeyBytes(String address) {
        return Base58.decode(address).filter(b -> b.length == PUBLIC_KEY_BYTES);
    }

    /** 128 hex digits (optionally after {@code 0x}) or base58; a base58 signature is at most 88 characters. */
    private static Optional<byte[]> signatureBytes(String signature) {
        if (signature == null) {
            return Optional.empty();
        }
        String hex = signature.startsWith("0x") ? signature.substring(2) : signature;
        if (hex.length() == HEX_CHARS && hex.chars().allMatch(c -> c < 128 && Character.digit(c, 16) >= 0)) {
            return Optional.of(HexFormat.of().parseHex(hex));
        }
        return Base58.decode(signature).filter(b -> b.length == SIGNATURE_BYTES);
    }
}
