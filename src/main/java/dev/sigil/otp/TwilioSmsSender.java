package dev.sigil.otp;

import dev.sigil.config.SmsConfig;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Sends SMS codes through Twilio's Messages API: {@code POST /2010-04-01/Accounts/{sid}/Messages.json} with
 * {@code To}, {@code From} (or {@code MessagingServiceSid}) and {@code Body}, HTTP Basic auth with the account
 * SID and auth token. Anything but 2xx is a failure the outbox retries.
 */
public final class TwilioSmsSender implements CodeSender {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private final SmsConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public TwilioSmsSender(SmsConfig config) {
        this.config = config;
    }

    @Override
    public void send(CodeMessage message) throws IOException, InterruptedException {
        String base = config.baseUrl().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/2010-04-01/Accounts/" + config.accountSid() + "/Messages.json");
        String sender = config.from().startsWith("MG") ? "MessagingServiceSid" : "From";
        String form = "To=" + encode(message.to()) + "&" + sender + "=" + encode(config.from()) + "&Body=" + encode(message.text());
        String credentials = Base64.getEncoder().encodeToString(
                (config.accountSid() + ":" + config.authToken()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            // The status only: Twilio's error body may echo the request, which holds the code.
            throw new IOException("Twilio answered HTTP " + response.statusCode());
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
