package dev.sigil.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.sigil.config.SmtpConfig;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real SMTP server (GreenMail) on a free loopback port, and the codes Sigil sent to it. */
public final class Mailbox implements AutoCloseable {
    private static final Pattern CODE = Pattern.compile("sign-in code is (\\d{6})\\.");
    public static final String FROM = "codes@sigil.test";
    private final int port;
    private GreenMail greenMail;

    private Mailbox(int port) {
        this.port = port;
    }

    /** A mailbox whose server is not running yet: Sigil's SMTP is "down" until {@link #start()}. */
    public static Mailbox stopped() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new Mailbox(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Mailbox started() {
        Mailbox mailbox = stopped();
        mailbox.start();
        return mailbox;
    }

    public void start() {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    public SmtpConfig smtpConfig() {
        return new SmtpConfig("127.0.0.1", port, Optional.empty(), Optional.empty(), FROM, SmtpConfig.Security.NONE);
    }

    /** The messages received for {@code address} so far. */
    public List<MimeMessage> messagesTo(String address) {
        if (greenMail == null) {
            return List.of();
        }
        return List.of(greenMail.getReceivedMessagesForDomain(address));
    }

    /** Waits (with a deadline, no fixed sleeps) until {@code address} has {@code count} messages; the newest. */
    public MimeMessage awaitMessage(String address, int count) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            List<MimeMessage> messages = messagesTo(address);
            if (messages.size() >= count) {
                return messages.get(count - 1);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no message #" + count + " for " + address + " within 20 s");
    }

    /** The code in message #{@code count} to {@code address}, waiting for it. */
    public String awaitCode(String address, int count) {
        return codeIn(awaitMessage(address, count));
    }

    public static String codeIn(MimeMessage message) {
        Matcher m = CODE.matcher(GreenMailUtil.getBody(message));
        if (!m.find()) {
            throw new AssertionError("no code in message: " + GreenMailUtil.getBody(message));
        }
        return m.group(1);
    }

    @Override
    public void close() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }
}
