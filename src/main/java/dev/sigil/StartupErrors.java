package dev.sigil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Turns what commonly stops {@code sigil serve} from starting into one line an operator can act on, instead of a
 * stack trace: an address it cannot listen on, a database it cannot open, a data directory it cannot write.
 * Driver messages are quoted, never the database URL (it may carry a password).
 */
final class StartupErrors {
    /** Jetty's message around the BindException names the address: "Failed to bind to /127.0.0.1:8080". */
    private static final String JETTY_BIND_PREFIX = "Failed to bind to ";
    private static final int MAX_CAUSES = 16;

    private StartupErrors() {
    }

    /** The line to print for {@code failure}, if it is one of the start-up failures an operator fixes. */
    static Optional<String> explain(Throwable failure) {
        return cause(failure, BindException.class).map(bind -> listening(failure, bind))
                .or(() -> cause(failure, SQLException.class).map(StartupErrors::database))
                .or(() -> cause(failure, UncheckedIOException.class).map(StartupErrors::files));
    }

    private static String listening(Throwable failure, BindException bind) {
        String address = boundAddress(failure).map(a -> " on " + a).orElse("");
        String reason = String.valueOf(bind.getMessage());
        if (reason.contains("Address already in use")) {
            return "cannot listen" + address + ": the port is already in use by another process (--port, SIGIL_PORT)";
        }
        if (reason.contains("Cannot assign requested address")) {
            return "cannot listen" + address + ": no network interface of this machine has that address "
                    + "(--host, SIGIL_HOST; 0.0.0.0 listens on all of them)";
        }
        return "cannot listen" + address + ": " + reason;
    }

    private static Optional<String> boundAddress(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().startsWith(JETTY_BIND_PREFIX)) {
                String address = t.getMessage().substring(JETTY_BIND_PREFIX.length());
                return Optional.of(address.startsWith("/") ? address.substring(1) : address);
            }
        }
        return Optional.empty();
    }

    private static String database(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = firstLine(e.getMessage());
        if (state.startsWith("08")) {
            return "cannot reach the database: " + reason + " (--database-url, SIGIL_DATABASE_URL)";
        }
        if (state.equals("3D000")) {
            return "cannot open the database: " + reason + "; create it, or fix --database-url (SIGIL_DATABASE_URL)";
        }
        return "cannot open the database: " + reason + " (--database-url, SIGIL_DATABASE_URL)";
    }

    /** "cannot create data directory /srv/sigil: permission denied", "...: No space left on device". */
    private static String files(UncheckedIOException e) {
        IOException cause = e.getCause();
        String reason = switch (cause) {
            case FileAlreadyExistsException exists -> "it exists and is not a directory";
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException missing -> "no such file or directory";
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> String.valueOf(cause.getMessage());
        };
        return e.getMessage() + ": " + firstLine(reason);
    }

    private static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String message) {
        String text = message == null ? "" : message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }
}
