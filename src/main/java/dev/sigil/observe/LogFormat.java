package dev.sigil.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code SIGIL_LOG_FORMAT}: {@code text} (default, {@code logback.xml}) or {@code json}, one JSON object per line
 * on stderr with Logback's own {@link JsonEncoder}: timestamp (epoch ms), level, threadName, loggerName, mdc (the
 * request id), formattedMessage and throwable. Applied at start-up before the server logs anything.
 */
public final class LogFormat {
    public static final String ENV = "SIGIL_LOG_FORMAT";

    private LogFormat() {
    }

    /** Applies the format named by {@code value} (empty: text); an unknown name is a configuration error. */
    public static void apply(Optional<String> value) {
        String format = value.map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).orElse("text");
        switch (format) {
            case "text" -> {
            }
            case "json" -> useJson();
            default -> throw new IllegalArgumentException(ENV + " must be text or json, got '" + value.get() + "'");
        }
    }

    private static void useJson() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("JSON");
        appender.setTarget("System.err");
        appender.setEncoder(jsonEncoder(context));
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }

    /** The encoder of {@code json}: the fields operators query, without Logback's context block and argument arrays. */
    public static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMarkers(false);
        encoder.setWithKVPList(false);
        encoder.setWithArguments(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
