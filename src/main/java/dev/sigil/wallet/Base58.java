package dev.sigil.wallet;

import java.util.Arrays;
import java.util.Optional;

/**
 * Base58 with the Bitcoin alphabet, the text form of Solana public keys and of the signatures Phantom and other
 * Solana wallets return.
 *
 * <p>Written here rather than taken from a library: the only well-kept Java implementations on Maven Central live
 * inside large libraries (bitcoinj, sol4j) that would bring far more code than these forty lines, and the small
 * stand-alone ones are unmaintained. Published test vectors in {@code Base58Test} pin the behaviour.
 *
 * <p>Each leading {@code '1'} stands for one leading zero byte, and the rest is a big-endian base-58 number, so
 * every byte string has exactly one encoding: comparing encoded strings compares the bytes.
 */
public final class Base58 {
    private static final char[] ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
    private static final int[] DIGITS = new int[128];
    /** No Solana value is longer than a 64-byte signature (88 characters); the cap bounds the quadratic work. */
    public static final int MAX_LENGTH = 256;

    static {
        Arrays.fill(DIGITS, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DIGITS[ALPHABET[i]] = i;
        }
    }

    private Base58() {
    }

    /** The bytes {@code text} encodes, or empty when it is empty, too long or has a character outside the alphabet. */
    public static Optional<byte[]> decode(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int zeros = 0;
        while (zeros < text.length() && text.charAt(zeros) == '1') {
            zeros++;
        }
        // log(58) / log(256) ~ 0.733: the number needs at most that many bytes per character.
        byte[] number = new byte[text.length() * 733 / 1000 + 1];
        int used = 0;
        for (int i = zeros; i < text.length(); i++) {
            char c = text.charAt(i);
            int carry = c < 128 ? DIGITS[c] : -1;
            if (carry < 0) {
                return Optional.empty();
            }
            // number = number * 58 + digit, little-endian in `number[0..used)`.
            for (int j = 0; j < used; j++) {
                carry += (number[j] & 0xFF) * 58;
                number[j] = (byte) carry;
                carry >>>= 8;
            }
            while (carry > 0) {
                number[used++] = (byte) carry;
                carry >>>= 8;
            }
        }
        byte[] out = new byte[zeros + used];
        for (int i = 0; i < used; i++) {
            out[zeros + i] = number[used - 1 - i];
        }
        return Optional.of(out);
    }

    /** The Base58 text of {@code bytes}. */
    public static String encode(byte[] bytes) {
        int zeros = 0;
        while (zeros < bytes.length && bytes[zeros] == 0) {
            zeros++;
        }
        // log(256) / log(58) ~ 1.366 digits per byte; digits are kept little-endian.
        byte[] digits = new byte[bytes.length * 1366 / 1000 + 1];
        int used = 0;
        for (int i = zeros; i < bytes.length; i++) {
            int carry = bytes[i] & 0xFF;
            for (int j = 0; j < used; j++) {
                carry += (digits[j] & 0xFF) << 8;
                digits[j] = (byte) (carry % 58);
                carry /= 58;
            }
            while (carry > 0) {
                digits[used++] = (byte) (carry % 58);
                carry /= 58;
            }
        }
        StringBuilder out = new StringBuilder(zeros + used);
        out.append("1".repeat(zeros));
        for (int i = used - 1; i >= 0; i--) {
            out.append(ALPHABET[digits[i]]);
        }
        return out.toString();
    }
}
