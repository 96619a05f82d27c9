package dev.sigil.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

class EvmSignatureTest {

    private static final HexFormat HEX = HexFormat.of();

    // web3.js 1.x documentation, web3.eth.accounts.sign('Some data', privateKey): a signature made by another
    // implementation, with its published message hash and signer.
    private static final String WEB3JS_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    private static final String WEB3JS_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
    private static final String WEB3JS_MESSAGE = "Some data";
    private static final String WEB3JS_HASH = "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655";
    private static final String WEB3JS_SIGNATURE = "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
            + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";

    // ethers.js v5 documentation (Wallet, "Signing a message"): wallet from the mnemonic "announce room limb pattern
    // dry unit scale effort smooth jazz weasel alcohol" signs "Hello World".
    private static final String ETHERS_ADDRESS = "0x71CB05EE1b1F506fF321Da3dac38f25c0c9ce6E1";
    private static final String ETHERS_MESSAGE = "Hello World";
    private static final String ETHERS_SIGNATURE = "0x14280e5885a19f60e536de50097e96e3738c7acae4e9e62d67272d794b8127d3"
            + "1c03d9cd59781d4ee31fb4e1b893bd9b020ec67dfa65cfb51e2bdadbb1de26d91c";

    private static final ECKeyPair KEY = ECKeyPair.create(new BigInteger(WEB3JS_KEY, 16));

    @Test
    void recoversSignerOfWeb3jsPublishedVector() {
        assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, WEB3JS_SIGNATURE)).contains(WEB3JS_ADDRESS);
    }

    @Test
    void recoversSignerOfEthersPublishedVector() {
        assertThat(EvmSignature.recoverPersonalSignSigner(ETHERS_MESSAGE, ETHERS_SIGNATURE)).contains(ETHERS_ADDRESS);
    }

    @Test
    void hashesWithEip191PersonalSignPrefixAsWeb3jsDoes() {
        byte[] hash = EvmSignature.personalMessageHash(WEB3JS_MESSAGE.getBytes(StandardCharsets.UTF_8));
        assertThat(HEX.formatHex(hash)).isEqualTo(WEB3JS_HASH);
    }

    @Test
    void fixedKeyHasItsPublishedAddress() {
        assertThat(Eip55.checksum("0x" + Keys.getAddress(KEY))).isEqualTo(WEB3JS_ADDRESS);
    }

    @Test
    void web3jSignsThePublishedVectorByteForByte() {
        // Both sides use deterministic RFC 6979 nonces, so web3j must reproduce web3.js's exact signature.
        assertThat(signWithFixedKey(WEB3JS_MESSAGE)).isEqualTo(WEB3JS_SIGNATURE);
    }

    @Test
    void recoversSignerOfSignInMessageSignedWithWeb3j() {
        String message = SignInMessageTest.DYNAMIC_MESSAGE;
        assertThat(EvmSignature.recoverPersonalSignSigner(message, signWithFixedKey(message))).contains(WEB3JS_ADDRESS);
    }

    @Test
    void prefixesTheUtf8ByteLengthNotTheCharacterCount() {
        String message = "Grüße, 世界 🌍";
        assertThat(message.getBytes(StandardCharsets.UTF_8).length).isNotEqualTo(message.length());
        assertThat(EvmSignature.recoverPersonalSignSigner(message, signWithFixedKey(message))).contains(WEB3JS_ADDRESS);
    }

    @Test
    void acceptsRecoveryIdWrittenAsZeroOrOne() {
        String signature = withV(WEB3JS_SIGNATURE, vOf(WEB3JS_SIGNATURE) - 27);
        assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, signature)).contains(WEB3JS_ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 26, 29, 30, 35, 36, 37, 38, 0xff})
    void rejectsAnyOtherV(int v) {
        assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, withV(WEB3JS_SIGNATURE, v))).isEmpty();
    }

    @Test
    void rejectsHighSCounterpartOfValidSignature() throws Exception {
        BigInteger s = new BigInteger(WEB3JS_SIGNATURE.substring(66, 130), 16);
        int v = vOf(WEB3JS_SIGNATURE);
        int flippedV = v == 27 ? 28 : 27;
        String malleated = withV(WEB3JS_SIGNATURE.substring(0, 66) + hex32(EvmSignature.SECP256K1_N.subtract(s)) + "00",
                flippedV);

        // The malleated signature is mathematically valid: plain ECDSA recovery still finds the same key...
        byte[] bytes = HEX.parseHex(malleated.substring(2));
        Sign.SignatureData data = new Sign.SignatureData(bytes[64], slice(bytes, 0), slice(bytes, 32));
        BigInteger recovered = Sign.signedPrefixedMessageToKey(WEB3JS_MESSAGE.getBytes(StandardCharsets.UTF_8), data);
        assertThat(recovered).isEqualTo(KEY.getPublicKey());
        // ...so only the EIP-2 rule keeps it out.
        assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, malleated)).isEmpty();
    }

    @Test
    void curveOrderConstantMatchesWeb3j() {
        assertThat(EvmSignature.SECP256K1_N).isEqualTo(Sign.CURVE_PARAMS.getN());
    }

    @Test
    void rejectsZeroROrS() {
        String r = WEB3JS_SIGNATURE.substring(2, 66);
        String s = WEB3JS_SIGNATURE.substring(66, 130);
        String v = WEB3JS_SIGNATURE.substring(130);
        assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, "0x" + "0".repeat(64) + s + v)).isEmpty();
        assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, "0x" + r + "0".repeat(64) + v)).isEmpty();
    }

    @Test
    void rejectsROrSAtOrAboveCurveOrder() {
        String r = WEB3JS_SIGNATURE.substring(2, 66);
        String s = WEB3JS_SIGNATURE.substring(66, 130);
        String v = WEB3JS_SIGNATURE.substring(130);
        String n = hex32(EvmSignature.SECP256K1_N);
        String max = "f".repeat(64);
        for (String bad : new String[] {n, max}) {
            assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, "0x" + bad + s + v)).isEmpty();
            assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, "0x" + r + bad + v)).isEmpty();
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "0x",
        "0x1234",
        "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
                + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c",      // no 0x
        "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
                + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291",       // odd length
        "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
                + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c00",    // 66 bytes
        "0xg91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
                + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c",      // not hex
        "0x\uff11\uff11467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
                + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c",      // fullwidth digits
        "0Xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
                + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c",      // 0X
    })
    void rejectsMalformedSignatures(String signature) {
        assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, signature)).isEmpty();
        assertThat(EvmSignature.isSignedBy(WEB3JS_MESSAGE, signature, WEB3JS_ADDRESS)).isFalse();
    }

    @Test
    void rejectsHugeInputWithoutThrowing() {
        String huge = "0x" + "ab".repeat(5_000_000);
        assertThat(EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, huge)).isEmpty();
    }

    @Test
    void neverThrowsWhateverRIs() {
        // Half of all x values are not on secp256k1; recovery must turn those into "no signer", not an exception.
        String s = WEB3JS_SIGNATURE.substring(66, 130);
        assertThatCode(() -> {
            for (int r = 1; r <= 64; r++) {
                for (String v : new String[] {"1b", "1c"}) {
                    EvmSignature.recoverPersonalSignSigner(WEB3JS_MESSAGE, "0x" + hex32(BigInteger.valueOf(r)) + s + v);
                }
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void nullMessageRecoversNothing() {
        assertThat(EvmSignature.recoverPersonalSignSigner(null, WEB3JS_SIGNATURE)).isEmpty();
    }

    @Test
    void isSignedByComparesAddressesIgnoringCase() {
        assertThat(EvmSignature.isSignedBy(WEB3JS_MESSAGE, WEB3JS_SIGNATURE, WEB3JS_ADDRESS)).isTrue();
        assertThat(EvmSignature.isSignedBy(WEB3JS_MESSAGE, WEB3JS_SIGNATURE, WEB3JS_ADDRESS.toLowerCase(Locale.ROOT)))
                .isTrue();
        assertThat(EvmSignature.isSignedBy(WEB3JS_MESSAGE, WEB3JS_SIGNATURE,
                "0x" + WEB3JS_ADDRESS.substring(2).toUpperCase(Locale.ROOT))).isTrue();
    }

    @Test
    void isSignedByRejectsWrongMessage() {
        assertThat(EvmSignature.isSignedBy("Some data.", WEB3JS_SIGNATURE, WEB3JS_ADDRESS)).isFalse();
        assertThat(EvmSignature.isSignedBy(ETHERS_MESSAGE, WEB3JS_SIGNATURE, WEB3JS_ADDRESS)).isFalse();
    }

    @Test
    void isSignedByRejectsWrongAddress() {
        assertThat(EvmSignature.isSignedBy(WEB3JS_MESSAGE, WEB3JS_SIGNATURE, ETHERS_ADDRESS)).isFalse();
        assertThat(EvmSignature.isSignedBy(WEB3JS_MESSAGE, WEB3JS_SIGNATURE, null)).isFalse();
        assertThat(EvmSignature.isSignedBy(WEB3JS_MESSAGE, WEB3JS_SIGNATURE, "")).isFalse();
    }

    private static String signWithFixedKey(String message) {
        Sign.SignatureData data = Sign.signPrefixedMessage(message.getBytes(StandardCharsets.UTF_8), KEY);
        return "0x" + HEX.formatHex(data.getR()) + HEX.formatHex(data.getS()) + HEX.formatHex(data.getV());
    }

    private static int vOf(String signature) {
        return Integer.parseInt(signature.substring(130), 16);
    }

    private static String withV(String signature, int v) {
        return signature.substring(0, 130) + String.format("%02x", v);
    }

    private static String hex32(BigInteger value) {
        return String.format("%064x", value);
    }

    private static byte[] slice(byte[] bytes, int from) {
        return java.util.Arrays.copyOfRange(bytes, from, from + 32);
    }
}
