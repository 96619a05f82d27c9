package dev.sigil.otp;

import dev.sigil.config.SmtpConfig;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.UnsupportedEncodingException;
import java.util.Date;
import java.util.Properties;

/** Sends email codes through the configured SMTP server (Angus Mail): a plain-text and an HTML part. */
public final class SmtpCodeSender implements CodeSender {
    private static final String TIMEOUT_MS = "15000";
    private final SmtpConfig config;
    private final Session session;

    public SmtpCodeSender(SmtpConfig config) {
        this.config = config;
        this.session = Session.getInstance(properties(config));
    }

    private static Properties properties(SmtpConfig config) {
        Properties p = new Properties();
        String protocol = config.security() == SmtpConfig.Security.TLS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", protocol);
        String prefix = "mail." + protocol + ".";
        p.put(prefix + "host", config.host());
        p.put(prefix + "port", Integer.toString(config.port()));
        p.put(prefix + "auth", Boolean.toString(config.username().isPresent()));
        p.put(prefix + "connectiontimeout", TIMEOUT_MS);
        p.put(prefix + "timeout", TIMEOUT_MS);
        p.put(prefix + "writetimeout", TIMEOUT_MS);
        if (config.security() == SmtpConfig.Security.STARTTLS) {
            p.put(prefix + "starttls.enable", "true");
            p.put(prefix + "starttls.required", "true");
        }
        if (config.security() != SmtpConfig.Security.NONE) {
            p.put(prefix + "ssl.checkserveridentity", "true");
        }
        return p;
    }

    @Override
    public void send(CodeMessage message) throws MessagingException, UnsupportedEncodingException {
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(new InternetAddress(config.from(), message.fromName().orElse(message.appName()), "UTF-8"));
        mime.setRecipient(Message.RecipientType.TO, new InternetAddress(message.to(), true));
        mime.setSubject(message.subjectOrDefault(), "UTF-8");
        mime.setSentDate(new Date());
        MimeBodyPart text = new MimeBodyPart();
        text.setText(message.text(), "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(html(message), "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        mime.setContent(alternative);
        if (config.username().isPresent()) {
            Transport.send(mime, config.username().get(), config.password().orElse(""));
        } else {
            Transport.send(mime);
        }
    }

    private static String html(CodeMessage m) {
        String app = escape(m.appName());
        return "<!doctype html><html><body style=\"font-family:sans-serif\">"
                + "<p>Your " + app + " sign-in code is</p>"
                + "<p style=\"font-size:28px;font-weight:bold;letter-spacing:4px\">" + escape(m.code()) + "</p>"
                + "<p>It expires in " + m.lifetimeMinutes() + " minutes. If you did not ask for it, you can ignore this message.</p>"
                + "</body></html>";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
