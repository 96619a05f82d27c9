package dev.sigil.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.sigil.http.Json;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JSON log format, captured from the encoder {@code SIGIL_LOG_FORMAT=json} installs. */
class JsonLogTest {
    static TestServer server;
    static SdkClient sdk;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        sdk = new SdkClient(server, server.createEnvironment());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jsonLinesCarryTheRequestIdAndNeverTheBearerTokenOrQuery() {
        String token = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        List<JsonNode> lines = capture(() -> {
            server.http().post(sdk.path("/refresh?code=123456&token=" + token), null, "Origin", TestServer.ORIGIN,
                    "Authorization", "Bearer " + token, "X-Request-Id", "json-log-1");
            server.http().post(sdk.path("/refresh"), null, "Origin", TestServer.ORIGIN,
                    "Authorization", "Bearer " + token + "x", "Cookie", "DYNAMIC_JWT_TOKEN=" + token,
                    "X-Request-Id", "json-log-2");
        });
        JsonNode access = lines.stream().filter(l -> l.path("mdc").path("requestId").asString("").equals("json-log-1"))
                .filter(l -> l.path("loggerName").asString("").equals("dev.sigil.access")).findFirst().orElseThrow();
        assertThat(access.get("level").asString()).isEqualTo("INFO");
        assertThat(access.get("timestamp").isNumber()).isTrue();
        assertThat(access.get("formattedMessage").asString())
                .matches("POST /api/v0/sdk/\\{environmentId}/refresh 200 \\d+\\.\\d{3}ms");
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("mdc").path("requestId").asString("")).isEqualTo("json-log-2");
            assertThat(l.get("formattedMessage").asString()).contains(" 401 ");
        });
        assertThat(lines).allSatisfy(l -> assertThat(l.toString()).doesNotContain(token).doesNotContain("123456"));
    }

    @Test
    void accessLineDurationIsInMillisecondsToTheMicrosecond() {
        assertThat(RequestObservation.millis(0)).isEqualTo("0.000");
        assertThat(RequestObservation.millis(842_999)).isEqualTo("0.842");
        assertThat(RequestObservation.millis(1_005_000)).isEqualTo("1.005");
        assertThat(RequestObservation.millis(12_345_678_901L)).isEqualTo("12345.678");
    }

    @Test
    void logFormatAcceptsTextAndJsonOnly() {
        LogFormat.apply(Optional.empty());
        LogFormat.apply(Optional.of("text"));
        assertThatThrownBy(() -> LogFormat.apply(Optional.of("xml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SIGIL_LOG_FORMAT");
    }

    @Test
    void jsonFormatReplacesTheRootAppenderWithTheJsonEncoder() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            LogFormat.apply(Optional.of("JSON"));
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            List<ch.qos.logback.core.Appender<ILoggingEvent>> appenders = new java.util.ArrayList<>();
            root.iteratorForAppenders().forEachRemaining(appenders::add);
            assertThat(appenders).singleElement().satisfies(a -> assertThat(
                    ((ch.qos.logback.core.ConsoleAppender<ILoggingEvent>) a).getEncoder())
                    .isInstanceOf(ch.qos.logback.classic.encoder.JsonEncoder.class));
        } finally {
            // Back to logback.xml for the rest of the test JVM.
            context.reset();
            new ch.qos.logback.classic.util.ContextInitializer(context).autoConfig();
        }
    }

    /** Every log line written while {@code action} runs, parsed: each must be one JSON object. */
    static List<JsonNode> capture(Runnable action) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("json-capture");
        appender.setEncoder(LogFormat.jsonEncoder(context));
        appender.setOutputStream(out);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        try {
            action.run();
        } finally {
            root.detachAppender(appender);
            appender.stop();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).isNotBlank();
        return text.lines().map(Json::read).toList();
    }
}
