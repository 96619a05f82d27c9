package dev.sigil.wallet;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * Verifies EIP-191 {@code personal_sign} signatures, the kind wallets produce for EIP-4361 sign-in messages.
 *
 * <p>A signature is {@code 0x} followed by 130 hex digits: {@code r || s || v}, 32 + 32 + 1 bytes. Anything else,
 * including malleable or out-of-range values, verifies nothing; these methods never throw on bad input.
 */
public final class EvmSignature {

    /** Order n of the secp256k1 group (SEC 2 §2.4.1). */
    static final BigInteger SECP256K1_N =
            new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    private static final BigInteger HALF_N = SECP256K1_N.shiftRight(1);

    private static final int SIGNATURE_BYTES = 65;
    private static final int SIGNATURE_CHARS = 2 + 2 * SIGNATURE_BYTES;

    private EvmSignature() {
    }

    /**
     * The EIP-55 address whose key signed the UTF-8 bytes of {@code message} with {@code personal_sign}, or empty
     * when {@code signature} is malformed, malleable (EIP-2) or recovers no key.
     */
    public static Optional<String> recoverPersonalSignSigner(String message, String signature) {
        if (message == null) {
            return Optional.empty();
        }
        Optional<byte[]> bytes = decode(signature);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        byte[] sig = bytes.get();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
        int v = sig[64] & 0xFF;
        // Wallets write the recovery id as 27/28 (Bitcoin's convention, kept by eth_sign) or as the raw 0/1.
        int recoveryId;
        if (v == 27 || v == 28) {
            recoveryId = v - 27;
        } else if (v == 0 || v == 1) {
            recoveryId = v;
        } else {
            return Optional.empty();
        }
        // ECDSA needs 0 < r, s < n. EIP-2 also forbids s > n/2: (r, n - s) is a second valid signature for the same
        // message, and accepting both would let anyone mint a fresh-looking signature from a used one.
        if (r.signum() <= 0 || r.compareTo(SECP256K1_N) >= 0 || s.signum() <= 0 || s.compareTo(HALF_N) > 0) {
            return Optional.empty();
        }
        return recover(recoveryId, r, s, personalMessageHash(message.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Whether {@code signature} is {@code address}'s {@code personal_sign} signature of {@code message}. The address
     * is compared ignoring case, so it may be checksummed or not.
     */
    public static boolean isSignedBy(String message, String signature, String address) {
        return address != null
                && recoverPersonalSignSigner(message, signature).filter(address::equalsIgnoreCase).isPresent();
    }

    /**
     * EIP-191 version 0x45 ("personal_sign"): Keccak-256 of {@code "\x19Ethereum Signed Message:\n"}, the message
     * length in bytes as decimal ASCII, then the message bytes.
     */
    static byte[] personalMessageHash(byte[] message) {
        byte[] prefix = ("\u0019Ethereum Signed Message:\n" + message.length).getBytes(StandardCharsets.US_ASCII);
        byte[] prefixed = Arrays.copyOf(prefix, prefix.length + message.length);
        System.arraycopy(message, 0, prefixed, prefix.length, message.length);
        return Hash.sha3(prefixed);
    }

    private static Optional<String> recover(int recoveryId, BigInteger r, BigInteger s, byte[] hash) {
        BigInteger publicKey;
        try {
            publicKey = Sign.recoverFromSignature(recoveryId, new ECDSASignature(r, s), hash);
        } catch (RuntimeException e) {
            // BouncyCastle throws IllegalArgumentException when r is no x-coordinate on the curve: an invalid
            // signature, not a fault.
            return Optional.empty();
        }
        if (publicKey == null) {
            return Optional.empty();
        }
        return Optional.of(Eip55.checksum("0x" + Keys.getAddress(publicKey)));
    }

    /** The 65 signature bytes, checking length before anything else so huge inputs cost nothing. */
    private static Optional<byte[]> decode(String signature) {
        if (signature == null || signature.length() != SIGNATURE_CHARS || !signature.startsWith("0x")) {
            return Optional.empty();
        }
        byte[] out = new byte[SIGNATURE_BYTES];
        for (int i = 0; i < SIGNATURE_BYTES; i++) {
            int high = hexValue(signature.charAt(2 + 2 * i));
            int low = hexValue(signature.charAt(3 + 2 * i));
            if (high < 0 || low < 0) {
                return Optional.empty();
            }
            out[i] = (byte) (high << 4 | low);
        }
        return Optional.of(out);
    }

    // Character.digit alone would also accept non-ASCII digits such as fullwidth ones.
    private static int hexValue(char c) {
        return c > 'f' ? -1 : Character.digit(c, 16);
    }
}
