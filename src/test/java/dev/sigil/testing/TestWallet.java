package dev.sigil.testing;

import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.time.Instant;
import java.util.HexFormat;

/** An Ethereum wallet with a real secp256k1 key that signs like {@code personal_sign}. */
public final class TestWallet {
    private final ECKeyPair keyPair;
    private final String address;

    private TestWallet(ECKeyPair keyPair) {
        this.keyPair = keyPair;
        this.address = Keys.toChecksumAddress(Keys.getAddress(keyPair));
    }

    public static TestWallet random() {
        try {
            return new TestWallet(Keys.createEcKeyPair());
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IllegalStateException(e);
        }
    }

    public String address() {
        return address;
    }

    /** EIP-191 personal_sign: 0x + r + s + v (v = 27 or 28). */
    public String sign(String message) {
        Sign.SignatureData sig = Sign.signPrefixedMessage(message.getBytes(StandardCharsets.UTF_8), keyPair);
        HexFormat hex = HexFormat.of();
        return "0x" + hex.formatHex(sig.getR()) + hex.formatHex(sig.getS()) + hex.formatHex(sig.getV());
    }

    /** The message exactly as Dynamic's current client builds it (spec §The message a wallet signs). */
    public static String message(String domain, String uri, String address, String nonce, Instant issuedAt, String environmentId) {
        return domain + " wants you to sign in with your Ethereum account:\n"
                + address + "\n\n"
                + "Welcome to Test App. Signing is the only way we can truly know that you are the owner of the wallet you are connecting. Signing is a safe, gas-less transaction that does not in any way give Test App permission to perform any transactions with your wallet.\n\n"
                + "URI: " + uri + "\n"
                + "Version: 1\n"
                + "Chain ID: 1\n"
                + "Nonce: " + nonce + "\n"
                + "Issued At: " + dev.sigil.http.IsoTime.format(issuedAt) + "\n"
                + "Request ID: " + environmentId;
    }
}
