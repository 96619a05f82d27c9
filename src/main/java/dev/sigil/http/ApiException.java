package dev.sigil.http;

import java.util.Optional;

/**
 * The one error type services throw. {@link ErrorResponses} turns it into the spec's JSON error shapes:
 * {@code {"error": message}} and, for 404 and 422, a machine-readable {@code code}.
 * Messages are shown to API clients: never put secrets, tokens or codes in them.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final Optional<String> code;
    private final Optional<Long> retryAfterSeconds;

    private ApiException(int status, String message, Optional<String> code) {
        this(status, message, code, Optional.empty());
    }

    private ApiException(int status, String message, Optional<String> code, Optional<Long> retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message, Optional.empty());
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message, Optional.empty());
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message, Optional.empty());
    }

    public static ApiException notFound(String message, String code) {
        return new ApiException(404, message, Optional.of(code));
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, message, Optional.empty());
    }

    /** 422: the request is well-formed but the rules refuse it; {@code code} is from Dynamic's UnprocessableEntityErrorCode. */
    public static ApiException unprocessable(String code, String message) {
        return new ApiException(422, message, Optional.of(code));
    }

    /** 429: a rate limit; the response carries {@code Retry-After} (seconds), as Dynamic documents. */
    public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(429, message, Optional.empty(), Optional.of(retryAfterSeconds));
    }

    public Optional<Long> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public Optional<String> code() {
        return code;
    }
}
