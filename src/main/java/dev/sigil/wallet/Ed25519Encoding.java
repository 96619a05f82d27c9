package dev.sigil.wallet;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The encoding checks RFC 8032 §5.1.7 verification leaves out and libsodium's {@code crypto_sign_verify_detached}
 * adds, so that a signature proves that someone holding a private key signed this message.
 *
 * <p>Why: a public key of small order (one of the 8 points of order 1, 2, 4 or 8) has no private key anyone knows,
 * yet signs everything. For the identity point A, the signature R = identity, S = 0 satisfies [S]B = R + [k]A for
 * every message, and the JDK's verifier accepts it; for the other small-order points R = identity, S = 0 passes for
 * one message in 2, 4 or 8. Anyone could then sign in as such an address ("Taming the many EdDSAs", Chalkias et al.
 * 2020, §3: small-order A and R). A small-order R is refused too, as libsodium does: no honest signer makes one
 * (R = [r]B has order L), and it is half of the same forgery. Non-canonical encodings (y ≥ p) of either point are
 * refused, so that each point has one spelling; so is a non-canonical S ≥ L (RFC 8032 §5.1.7 step 1, signature
 * malleability), which the JDK also refuses, checked here so that it does not depend on the provider.
 *
 * <p>All inputs are public (keys, signatures), so these checks need not run in constant time.
 */
final class Ed25519Encoding {
    static final int BYTES = 32;

    /**
     * The y coordinates (little-endian, sign bit clear) of libsodium's {@code ge25519_has_small_order} blocklist.
     * Compared with the sign bit masked off, they cover all 8 small-order points (y = 1: the identity; y = p-1: order
     * 2; y = 0: the two of order 4; the two order-8 y values, each with both signs of x), the non-canonical x = 0 with
     * the sign bit set, and the non-canonical spellings y = p (= 0) and y = p + 1 (= 1).
     */
    private static final List<byte[]> SMALL_ORDER_Y = List.of(
            hex("0000000000000000000000000000000000000000000000000000000000000000"),
            hex("0100000000000000000000000000000000000000000000000000000000000000"),
            hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
            hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
            hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));

    /** p = 2^255 - 19, little-endian. */
    private static final byte[] P = hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    /** L = 2^252 + 27742317777372353535851937790883648493, the order of the base point, little-endian. */
    private static final byte[] L = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    private Ed25519Encoding() {
    }

    /** Whether the 32-byte point encoding {@code point} is one of the small-order points, in any spelling. */
    static boolean hasSmallOrder(byte[] point) {
        byte[] y = y(point);
        return SMALL_ORDER_Y.stream().anyMatch(blocked -> Arrays.equals(blocked, y));
    }

    /** RFC 8032 §5.1.3 step 1: the y coordinate is below p. (The sign bit of x = 0 is left to the blocklist.) */
    static boolean isCanonicalPoint(byte[] point) {
        return lessThan(y(point), P);
    }

    /** RFC 8032 §5.1.7 step 1: S is in [0, L). */
    static boolean isCanonicalScalar(byte[] scalar) {
        return scalar.length == BYTES && lessThan(scalar, L);
    }

    private static byte[] y(byte[] point) {
        if (point.length != BYTES) {
            throw new IllegalArgumentException("an Ed25519 point is 32 bytes");
        }
        byte[] y = point.clone();
        y[BYTES - 1] &= 0x7F;
        return y;
    }

    /** {@code a < b}, both 32-byte little-endian unsigned integers. */
    private static boolean lessThan(byte[] a, byte[] b) {
        for (int i = BYTES - 1; i >= 0; i--) {
            int x = a[i] & 0xFF;
            int y = b[i] & 0xFF;
            if (x != y) {
                return x < y;
            }
        }
        return false;
    }

    private static byte[] hex(String littleEndian) {
        return HexFormat.of().parseHex(littleEndian);
    }
}
