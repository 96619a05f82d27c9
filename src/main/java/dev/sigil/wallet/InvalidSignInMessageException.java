package dev.sigil.wallet;

/**
 * A sign-in message that does not follow the EIP-4361 layout Sigil accepts.
 *
 * <p>The message is a short sentence naming the rule that failed (for example {@code "missing Nonce line"}). It is
 * safe to return to API clients: it never repeats the submitted text, which may be long or hostile.
 */
public final class InvalidSignInMessageException extends Exception {

    /** @param message a short sentence naming the broken rule, without echoing user input */
    public InvalidSignInMessageException(String message) {
        super(message);
    }

    /** Rejections are routine client errors, so capturing a stack trace would only cost time. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
