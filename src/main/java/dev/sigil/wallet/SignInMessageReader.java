package dev.sigil.wallet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a sign-in message top to bottom in the order EIP-4361 §ABNF Message Format fixes: header, address, empty line,
 * optional statement, then the tagged fields.
 */
final class SignInMessageReader {

    private static final String HEADER_MIDDLE = " wants you to sign in with your ";
    private static final String HEADER_END = " account:";
    private static final String RESOURCE_PREFIX = "- ";

    private static final Pattern ACCOUNT_KIND = Pattern.compile("[A-Za-z]{1,32}");
    private static final Pattern HEX_ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    // Base58 (Solana, Bitcoin), bech32, 0x-hex and NEAR's dotted names all fit; nothing a chain uses needs more.
    private static final Pattern OTHER_ADDRESS = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    // EIP-4361: nonce = 8*( ALPHA / DIGIT ); the upper bound is ours.
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{8,128}");
    // EIP-155 chain ids are unsigned 256-bit integers, which have at most 78 decimal digits.
    private static final Pattern CHAIN_ID = Pattern.compile("[0-9]{1,78}");
    private static final int MAX_REQUEST_ID_LENGTH = 255;

    private final List<String> lines;
    private final Set<SignInField> seen = EnumSet.noneOf(SignInField.class);
    private final List<String> resources = new ArrayList<>();
    private String uri;
    private String version;
    private Optional<String> chainId = Optional.empty();
    private String nonce;
    private Instant issuedAt;
    private Optional<Instant> expirationTime = Optional.empty();
    private Optional<Instant> notBefore = Optional.empty();
    private Optional<String> requestId = Optional.empty();

    private SignInMessageReader(List<String> lines) {
        this.lines = lines;
    }

    static SignInMessage read(String text) throws InvalidSignInMessageException {
        return new SignInMessageReader(MessageLines.split(text)).read();
    }

    private SignInMessage read() throws InvalidSignInMessageException {
        String header = lines.get(0);
        int middle = header.indexOf(HEADER_MIDDLE);
        int kindStart = middle + HEADER_MIDDLE.length();
        int kindEnd = header.length() - HEADER_END.length();
        if (middle < 0 || !header.endsWith(HEADER_END) || kindStart > kindEnd) {
            throw invalid("first line must read '<domain> wants you to sign in with your <chain> account:'");
        }
        String domain = header.substring(0, middle);
        String accountKind = header.substring(kindStart, kindEnd);
        Rfc3986.checkDomain(domain);
        if (!ACCOUNT_KIND.matcher(accountKind).matches()) {
            throw invalid("account kind must be 1 to 32 letters");
        }

        if (lines.size() < 2) {
            throw invalid("missing address line");
        }
        String address = lines.get(1);
        checkAddress(accountKind, address);
        if (lines.size() < 3 || !lines.get(2).isEmpty()) {
            throw invalid("address line must be followed by an empty line");
        }

        // EIP-4361 ABNF: address LF LF [ statement LF ] LF "URI: ". With a statement that is one empty line on each
        // side of it; without one, two empty lines in a row. Sign-In with Solana and siwe 1.x write a single empty
        // line instead, which is still unambiguous: a statement is the one line that is followed by an empty line.
        Optional<String> statement = Optional.empty();
        int fieldsStart;
        if (lines.size() > 3 && lines.get(3).isEmpty()) {
            fieldsStart = 4;
        } else if (lines.size() > 4 && lines.get(4).isEmpty()) {
            statement = Optional.of(lines.get(3));
            fieldsStart = 5;
        } else {
            fieldsStart = 3;
        }

        readFields(fieldsStart);

        return new SignInMessage(domain, accountKind, address, statement, uri, version, chainId, nonce, issuedAt,
                expirationTime, notBefore, requestId, resources);
    }

    /** Reads the tagged lines, enforcing that each appears at most once and in {@link SignInField} order. */
    private void readFields(int start) throws InvalidSignInMessageException {
        // Ordinal of the last field read, so a field may only be followed by fields declared after it.
        int lastOrdinal = -1;
        for (int i = start; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNumber = i + 1;
            if (line.isEmpty()) {
                throw invalid("line " + lineNumber + " is unexpectedly empty");
            }
            // Resources is last in the ABNF: every line after it is "- " URI.
            boolean inResources = lastOrdinal == SignInField.RESOURCES.ordinal();
            if (inResources && line.startsWith(RESOURCE_PREFIX)) {
                addResource(line.substring(RESOURCE_PREFIX.length()));
                continue;
            }
            Optional<SignInField> labelled = SignInField.labelling(line);
            if (labelled.isEmpty()) {
                throw invalid(inResources
                        ? "line " + lineNumber + " after Resources does not start with '- '"
                        : "line " + lineNumber + " is not a recognised field");
            }
            SignInField field = labelled.get();
            if (seen.contains(field)) {
                throw invalid("duplicate " + field.label() + " line");
            }
            if (field.ordinal() < lastOrdinal) {
                throw invalid(field.label() + " line is out of order");
            }
            requirePresentBefore(field.ordinal(), i);
            accept(field, field.valueIn(line));
            seen.add(field);
            lastOrdinal = field.ordinal();
        }
        requirePresentBefore(SignInField.values().length, lines.size());
    }

    /**
     * Fails on the first required field declared before {@code ordinal} that has not been read by line
     * {@code lineIndex}: it is out of order when it turns up further down, missing otherwise.
     */
    private void requirePresentBefore(int ordinal, int lineIndex) throws InvalidSignInMessageException {
        SignInField[] fields = SignInField.values();
        for (int f = 0; f < ordinal; f++) {
            SignInField earlier = fields[f];
            if (earlier.required() && !seen.contains(earlier)) {
                throw invalid(labelledAfter(lineIndex, earlier)
                        ? earlier.label() + " line is out of order"
                        : "missing " + earlier.label() + " line");
            }
        }
    }

    private boolean labelledAfter(int lineIndex, SignInField field) {
        for (int i = lineIndex + 1; i < lines.size(); i++) {
            if (SignInField.labelling(lines.get(i)).filter(field::equals).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private void accept(SignInField field, String value) throws InvalidSignInMessageException {
        switch (field) {
            case URI -> {
                if (!Rfc3986.isAbsoluteUri(value)) {
                    throw invalid("URI is not an absolute URI");
                }
                uri = value;
            }
            case VERSION -> {
                if (!value.equals("1")) {
                    throw invalid("Version must be 1");
                }
                version = value;
            }
            case CHAIN_ID -> {
                if (!CHAIN_ID.matcher(value).matches()) {
                    throw invalid("Chain ID must be 1 to 78 decimal digits");
                }
                chainId = Optional.of(value);
            }
            case NONCE -> {
                if (!NONCE.matcher(value).matches()) {
                    throw invalid("Nonce must be 8 to 128 letters or digits");
                }
                nonce = value;
            }
            case ISSUED_AT -> issuedAt = dateTime(field, value);
            case EXPIRATION_TIME -> expirationTime = Optional.of(dateTime(field, value));
            case NOT_BEFORE -> notBefore = Optional.of(dateTime(field, value));
            case REQUEST_ID -> {
                // EIP-4361 has request-id = *pchar; Dynamic sends a UUID. Any single line is accepted, bounded.
                if (value.length() > MAX_REQUEST_ID_LENGTH) {
                    throw invalid("Request ID is longer than " + MAX_REQUEST_ID_LENGTH + " characters");
                }
                requestId = Optional.of(value);
            }
            case RESOURCES -> {
                // The list itself follows on "- " lines.
            }
        }
    }

    private void addResource(String resource) throws InvalidSignInMessageException {
        if (!Rfc3986.isAbsoluteUri(resource)) {
            throw invalid("resource " + (resources.size() + 1) + " is not an absolute URI");
        }
        resources.add(resource);
    }

    private static void checkAddress(String accountKind, String address) throws InvalidSignInMessageException {
        if (accountKind.equals("Ethereum")) {
            if (!HEX_ADDRESS.matcher(address).matches()) {
                throw invalid("address is not 0x followed by 40 hex digits");
            }
            // EIP-4361 ABNF: the address "must also conform to capitalization checksum encoding specified in EIP-55".
            if (!Eip55.isAddress(address)) {
                throw invalid("address does not match its EIP-55 checksum");
            }
        } else if (!OTHER_ADDRESS.matcher(address).matches()) {
            throw invalid("address must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
    }

    private static Instant dateTime(SignInField field, String value) throws InvalidSignInMessageException {
        Optional<Instant> instant = Rfc3339.parse(value);
        if (instant.isEmpty()) {
            throw invalid(field.label() + " is not an RFC 3339 date-time");
        }
        return instant.get();
    }

    private static InvalidSignInMessageException invalid(String message) {
        return new InvalidSignInMessageException(message);
    }
}
