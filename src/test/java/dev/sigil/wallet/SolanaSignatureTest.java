package dev.sigil.wallet;

import dev.sigil.testing.SolanaTestWallet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class SolanaSignatureTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 §7.1, TEST 1, 2 and 3 (public key, message, signature). */
    @ParameterizedTest
    @CsvSource({
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '', e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72, 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82, 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    })
    void verifiesRfc8032TestVectors(String publicKey, String message, String signature) {
        byte[] key = HEX.parseHex(publicKey);
        byte[] msg = HEX.parseHex(message);
        byte[] sig = HEX.parseHex(signature);
        assertThat(SolanaSignature.verify(key, msg, sig)).isTrue();

        byte[] flipped = sig.clone();
        flipped[10] ^= 1;
        assertThat(SolanaSignature.verify(key, msg, flipped)).isFalse();
        byte[] otherMessage = HEX.parseHex(message + "00");
        assertThat(SolanaSignature.verify(key, otherMessage, sig)).isFalse();
    }

    /** RFC 8032 §7.1 TEST SHA(abc): its public key has the x-odd bit set, unlike TEST 1-3. */
    @Test
    void verifiesAKeyWhoseXCoordinateIsOdd() throws Exception {
        byte[] key = HEX.parseHex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf");
        byte[] msg = MessageDigest.getInstance("SHA-512").digest("abc".getBytes(StandardCharsets.US_ASCII));
        byte[] sig = HEX.parseHex("dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
                + "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704");
        assertThat(key[31] & 0x80).isNotZero();
        assertThat(SolanaSignature.verify(key, msg, sig)).isTrue();
        byte[] evenTwin = key.clone();
        evenTwin[31] &= 0x7F;
        assertThat(SolanaSignature.verify(evenTwin, msg, sig)).isFalse();
    }

    @Test
    void acceptsBase58AndHexSignaturesOfGeneratedKeys() {
        for (int i = 0; i < 20; i++) {
            SolanaTestWallet wallet = SolanaTestWallet.random();
            String message = "sign in " + i + " ✓";
            assertThat(SolanaSignature.isSignedBy(message, wallet.sign(message), wallet.address())).isTrue();
            assertThat(SolanaSignature.isSignedBy(message, wallet.signHex(message), wallet.address())).isTrue();
            assertThat(SolanaSignature.isSignedBy(message, "0x" + wallet.signHex(message), wallet.address())).isTrue();
            assertThat(SolanaSignature.isSignedBy(message + ".", wallet.sign(message), wallet.address())).isFalse();
        }
    }

    @Test
    void refusesAnotherSignerAndMalformedInputWithoutThrowing() {
        SolanaTestWallet wallet = SolanaTestWallet.random();
        SolanaTestWallet other = SolanaTestWallet.random();
        String message = "hello";
        String signature = wallet.sign(message);
        assertThat(SolanaSignature.isSignedBy(message, other.sign(message), wallet.address())).isFalse();
        assertThat(SolanaSignature.isSignedBy(message, signature, other.address())).isFalse();
        for (String bad : new String[]{null, "", "0OIl", signature.substring(1), signature + "2", "0x" + signature,
                "zz".repeat(64), "ab".repeat(63)}) {
            assertThat(SolanaSignature.isSignedBy(message, bad, wallet.address())).as(String.valueOf(bad)).isFalse();
        }
        for (String bad : new String[]{null, "", wallet.address().substring(1), wallet.address() + "2",
                "0x" + wallet.address(), wallet.address().replace(wallet.address().charAt(3), '0')}) {
            assertThat(SolanaSignature.isSignedBy(message, signature, bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThat(SolanaSignature.isSignedBy(null, signature, wallet.address())).isFalse();
    }

    @Test
    void addressesAreBase58OfThirtyTwoBytes() {
        assertThat(SolanaSignature.isAddress(SolanaTestWallet.random().address())).isTrue();
        assertThat(SolanaSignature.isAddress("11111111111111111111111111111111")).isTrue();
        assertThat(SolanaSignature.isAddress("1111111111111111111111111111111")).isFalse();
        assertThat(SolanaSignature.isAddress("0x0000000000000000000000000000000000000001")).isFalse();
        assertThat(SolanaSignature.isAddress("2g")).isFalse();
    }

    @Test
    void pointsOffTheCurveVerifyNothing() {
        // y = 2 has no x on edwards25519: 32 bytes of a valid length that are no public key.
        byte[] key = new byte[32];
        key[0] = 2;
        assertThat(SolanaSignature.verify(key, new byte[0], new byte[64])).isFalse();
        byte[] allOnes = new byte[32];
        java.util.Arrays.fill(allOnes, (byte) 0xFF);
        assertThat(SolanaSignature.verify(allOnes, new byte[0], new byte[64])).isFalse();
    }
}
