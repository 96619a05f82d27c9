package dev.sigil.wallet;

import java.util.Optional;

/** The tagged lines after the statement, in the only order EIP-4361's ABNF allows them. */
enum SignInField {
    URI("URI", true),
    VERSION("Version", true),
    // EIP-4361 requires Chain ID, but Dynamic leaves it out for chains without EIP-155 ids (CAIP-122 makes it optional).
    CHAIN_ID("Chain ID", false),
    NONCE("Nonce", true),
    ISSUED_AT("Issued At", true),
    EXPIRATION_TIME("Expiration Time", false),
    NOT_BEFORE("Not Before", false),
    REQUEST_ID("Request ID", false),
    RESOURCES("Resources", false);

    private static final SignInField[] ALL = values();

    private final String label;
    private final boolean required;

    SignInField(String label, boolean required) {
        this.label = label;
        this.required = required;
    }

    String label() {
        return label;
    }

    boolean required() {
        return required;
    }

    /** The field whose {@code "Label:"} starts {@code line}; separators are checked later so errors can be precise. */
    static Optional<SignInField> labelling(String line) {
        for (SignInField field : ALL) {
            if (line.startsWith(field.label + ":")) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    /** The text after {@code "Label: "}, or for {@code Resources} the empty string, the only thing its line may hold. */
    String valueIn(String line) throws InvalidSignInMessageException {
        if (this == RESOURCES) {
            if (line.length() != label.length() + 1) {
                throw new InvalidSignInMessageException("Resources line must be exactly 'Resources:'");
            }
            return "";
        }
        String prefix = label + ": ";
        if (!line.startsWith(prefix)) {
            throw new InvalidSignInMessageException(label + " line must read '" + label + ": <value>'");
        }
        return line.substring(prefix.length());
    }
}
