package dev.sigil.wallet;

import java.util.List;

/** Splits a sign-in message into lines after checking the characters it is made of. */
final class MessageLines {

    /** Dynamic's messages are well under 1 KiB; the cap bounds the work done on hostile input. */
    static final int MAX_LENGTH = 8192;

    private MessageLines() {
    }

    /**
     * The lines of {@code text}, split on LF (or CRLF when the message uses it throughout), without the one trailing
     * line ending some clients append (EIP-4361's ABNF ends the message without one).
     */
    static List<String> split(String text) throws InvalidSignInMessageException {
        if (text == null || text.isEmpty()) {
            throw new InvalidSignInMessageException("message is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidSignInMessageException("message is longer than " + MAX_LENGTH + " characters");
        }
        boolean crlf = usesCrlf(text);
        checkCharacters(text, crlf);
        String normalized = crlf ? text.replace("\r\n", "\n") : text;
        if (normalized.endsWith("\n")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        return List.of(normalized.split("\n", -1));
    }

    private static boolean usesCrlf(String text) {
        int firstLf = text.indexOf('\n');
        return firstLf > 0 && text.charAt(firstLf - 1) == '\r';
    }

    // EIP-4361's ABNF allows no control characters at all besides LF; they could hide text from the person signing.
    private static void checkCharacters(String text, boolean crlf) throws InvalidSignInMessageException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                boolean afterCr = i > 0 && text.charAt(i - 1) == '\r';
                if (afterCr != crlf) {
                    throw new InvalidSignInMessageException("message mixes LF and CRLF line endings");
                }
            } else if (c == '\r') {
                if (i + 1 == text.length() || text.charAt(i + 1) != '\n') {
                    throw new InvalidSignInMessageException("message contains a carriage return outside a line ending");
                }
                if (!crlf) {
                    throw new InvalidSignInMessageException("message mixes LF and CRLF line endings");
                }
            } else if (Character.isISOControl(c)) {
                throw new InvalidSignInMessageException("message contains a control character");
            } else if (c == '\u2028' || c == '\u2029') {
                // Rendered as line breaks by some wallets, so they would fake lines the parser does not see.
                throw new InvalidSignInMessageException("message contains a Unicode line separator");
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // A lone surrogate has no UTF-8 form, so the signed bytes could not be the text we parsed.
                throw new InvalidSignInMessageException("message is not well-formed Unicode");
            }
        }
    }
}
