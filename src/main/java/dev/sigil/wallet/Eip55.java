package dev.sigil.wallet;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.web3j.crypto.Hash;

/**
 * EIP-55 mixed-case checksum encoding of Ethereum addresses.
 *
 * <p>An address is {@code 0x} followed by 40 hex digits. Written all lower-case or all upper-case it carries no
 * checksum and is accepted as is; written in mixed case, the case of every letter must match EIP-55, so a mistyped
 * address is caught instead of silently naming another account.
 */
public final class Eip55 {

    private static final int HEX_DIGITS = 40;

    private Eip55() {
    }

    /** Whether {@code s} is an Ethereum address whose letter case is all-lower, all-upper or the EIP-55 checksum. */
    public static boolean isAddress(String s) {
        if (!isHexAddress(s)) {
            return false;
        }
        String digits = s.substring(2);
        return digits.equals(digits.toLowerCase(Locale.ROOT))
                || digits.equals(digits.toUpperCase(Locale.ROOT))
                || s.equals(encode(digits));
    }

    /**
     * The EIP-55 form of {@code address}.
     *
     * @throws IllegalArgumentException when {@code address} is not one by {@link #isAddress}; a mixed-case address
     *                                  with a wrong checksum is refused rather than "fixed", since it is likely a typo
     */
    public static String checksum(String address) {
        if (!isAddress(address)) {
            throw new IllegalArgumentException("not an Ethereum address");
        }
        return encode(address.substring(2));
    }

    private static boolean isHexAddress(String s) {
        if (s == null || s.length() != 2 + HEX_DIGITS || !s.startsWith("0x")) {
            return false;
        }
        for (int i = 2; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 'f') {
                return false;
            }
        }
        return true;
    }

    // EIP-55: hash the lower-case hex digits (as ASCII) with Keccak-256; a letter is upper-case exactly when the
    // matching nibble of the hash is 8 or more.
    private static String encode(String hexDigits) {
        String lower = hexDigits.toLowerCase(Locale.ROOT);
        byte[] hash = Hash.sha3(lower.getBytes(StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder(2 + HEX_DIGITS).append("0x");
        for (int i = 0; i < lower.length(); i++) {
            int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF;
            char c = lower.charAt(i);
            out.append(nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }
}
