package dev.sigil.wallet;

import dev.sigil.testing.SolanaTestWallet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

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

    static final String RFC8032_TEST_1_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    /** The identity point (0, 1), encoded: y = 1, sign bit clear. Nobody has its private key; none exists. */
    static final byte[] IDENTITY = HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000000");

    /** R = identity, S = 0: [S]B = R + [k]A holds for A = identity and any message, so the JDK alone accepts it. */
    static byte[] identityForgery() {
        byte[] signature = new byte[64];
        System.arraycopy(IDENTITY, 0, signature, 0, 32);
        return signature;
    }

    @Test
    void theIdentityKeyDoesNotSignEveryMessage() {
        for (String message : new String[]{"", "sign in", "transfer everything"}) {
            byte[] msg = message.getBytes(StandardCharsets.UTF_8);
            assertThat(SolanaSignature.verify(IDENTITY, msg, identityForgery())).as(message).isFalse();
        }
        String address = Base58.encode(IDENTITY);
        assertThat(SolanaSignature.isSignedBy("hello", Base58.encode(identityForgery()), address))
                .isFalse();
        assertThat(SolanaSignature.isSignedBy("hello", HEX.formatHex(identityForgery()), address)).isFalse();
    }

    /**
     * "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko, 2020): the 12 vectors of
     * novifinancial/ed25519-speccheck (cases.txt), each message, public key, signature and whether libsodium's
     * crypto_sign_verify_detached accepts it (its row of the paper's results; cases numbered from 0, only case 3
     * passes). The JDK alone accepts cases 0-3; 0 (S = 0, A and R small order), 1 (A small order, R mixed order) and
     * 2 (A mixed order, R small order) are the small-order forgeries. Cases 4-5 pass only cofactored verification,
     * 6-7 have S ≥ L, 8-9 a non-canonical R, 10-11 a non-canonical small-order A (y = p - 1 with the sign bit of
     * x = 0 set).
     */
    @ParameterizedTest(name = "[{index}] libsodium accepts: {3}")
    @CsvSource({
            "8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6, c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa, c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000, false",
            "9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79, c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa, f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04, false",
            "aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab, f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43, c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e, false",
            "9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79, cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d, 9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009, true",
            "e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c, cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d, 160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed5125ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09, false",
            "e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c, cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d, 21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405, false",
            "85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40, 442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623, e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514, false",
            "85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40, 442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623, 8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa19427e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22, false",
            "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41, f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43, ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f, false",
            "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41, f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43, ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908, false",
            "e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b, ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff, a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04, false",
            "39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f, ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff, a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04, false",
    })
    void agreesWithLibsodiumOnTheTamingEdDsasVectors(String message, String publicKey, String signature,
                                                    boolean libsodiumAccepts) {
        assertThat(SolanaSignature.verify(HEX.parseHex(publicKey), HEX.parseHex(message), HEX.parseHex(signature)))
                .isEqualTo(libsodiumAccepts);
    }

    /**
     * libsodium's blocklist (ed25519_ref10.c, ge25519_has_small_order): the y of every small-order point, compared with
     * the sign bit masked off, so each entry is refused with the sign bit clear and set.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000", // y = 0, order 4
            "0100000000000000000000000000000000000000000000000000000000000000", // y = 1, the identity
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p - 1, order 2
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p, a non-canonical 0
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1, a non-canonical 1
    })
    void smallOrderKeysAndRsAreRefusedWithEitherSignBit(String encoding) {
        for (byte signBit : new byte[]{0, (byte) 0x80}) {
            byte[] point = HEX.parseHex(encoding);
            point[31] |= signBit;
            assertThat(Ed25519Encoding.hasSmallOrder(point)).as(HEX.formatHex(point)).isTrue();
            byte[] signature = new byte[64];
            System.arraycopy(point, 0, signature, 0, 32);
            for (int i = 0; i < 16; i++) {
                byte[] message = {(byte) i};
                assertThat(SolanaSignature.verify(point, message, signature)).as(HEX.formatHex(point)).isFalse();
                assertThat(SolanaSignature.verify(point, message, identityForgery())).isFalse();
            }
        }
        assertThat(Ed25519Encoding.hasSmallOrder(HEX.parseHex(RFC8032_TEST_1_KEY))).isFalse();
    }

    /**
     * A cross-check that the blocklist holds real small-order points, not only libsodium's word for it: for each of
     * the 8 canonical small-order encodings A, R = identity and S = 0 verify under the JDK alone whenever [k]A is the
     * identity (k = SHA-512(R || A || M) mod L, a multiple of A's order for one message in 1, 2, 4 or 8). Some
     * message among the first 256 does; Sigil refuses it.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    })
    void eachSmallOrderKeySignsSomeMessageForTheJdkButNotForSigil(String encoding) throws Exception {
        byte[] key = HEX.parseHex(encoding);
        List<Integer> forged = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
            if (jdkAlone(key, message, identityForgery())) {
                forged.add(i);
                assertThat(SolanaSignature.verify(key, message, identityForgery())).isFalse();
            }
        }
        assertThat(forged).as("messages the JDK alone accepts R = identity, S = 0 for").isNotEmpty();
    }

    /** Non-canonical keys: y in [p, 2^255), each with either sign bit. None is accepted, whatever the signature. */
    @Test
    void keysWhoseYIsNotBelowPAreRefused() {
        BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        for (int extra = 0; extra < 19; extra++) {
            byte[] key = littleEndian(p.add(BigInteger.valueOf(extra)));
            for (byte signBit : new byte[]{0, (byte) 0x80}) {
                key[31] = (byte) ((key[31] & 0x7F) | signBit);
                assertThat(Ed25519Encoding.isCanonicalPoint(key)).as(HEX.formatHex(key)).isFalse();
                assertThat(SolanaSignature.verify(key, new byte[0], identityForgery())).isFalse();
                byte[] ownR = new byte[64];
                System.arraycopy(key, 0, ownR, 0, 32);
                assertThat(SolanaSignature.verify(key, new byte[0], ownR)).isFalse();
            }
        }
        assertThat(Ed25519Encoding.isCanonicalPoint(littleEndian(p.subtract(BigInteger.ONE)))).isTrue();
    }

    /**
     * RFC 8032 §5.1.7 step 1: S must be below L. S + L is the same scalar mod L, so a verifier that reduces S would
     * accept a second signature for the same message (malleability). The JDK already refuses it; so does Sigil
     * before asking the JDK.
     */
    @Test
    void signatureWhoseSIsNotBelowLIsRefused() {
        byte[] key = HEX.parseHex(RFC8032_TEST_1_KEY);
        byte[] signature = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertThat(SolanaSignature.verify(key, new byte[0], signature)).isTrue();
        BigInteger l = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
        BigInteger s = new BigInteger(1, reversed(Arrays.copyOfRange(signature, 32, 64)));
        for (BigInteger big : List.of(s.add(l), l, BigInteger.TWO.pow(256).subtract(BigInteger.ONE))) {
            byte[] malleated = signature.clone();
            System.arraycopy(littleEndian(big), 0, malleated, 32, 32);
            assertThat(Ed25519Encoding.isCanonicalScalar(Arrays.copyOfRange(malleated, 32, 64))).isFalse();
            assertThat(SolanaSignature.verify(key, new byte[0], malleated)).as(big.toString(16)).isFalse();
        }
        assertThat(Ed25519Encoding.isCanonicalScalar(littleEndian(l.subtract(BigInteger.ONE)))).isTrue();
    }

    /** The JDK's Ed25519 verification without Sigil's checks, to show what they stop. */
    private static boolean jdkAlone(byte[] key, byte[] message, byte[] signature) throws Exception {
        boolean xOdd = (key[31] & 0x80) != 0;
        byte[] y = reversed(key);
        y[0] &= 0x7F;
        PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(
                new EdECPublicKeySpec(NamedParameterSpec.ED25519,
                        new EdECPoint(xOdd, new BigInteger(1, y))));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(message);
        return verifier.verify(signature);
    }

    private static byte[] littleEndian(BigInteger value) {
        byte[] bigEndian = value.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < Math.min(32, bigEndian.length); i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
