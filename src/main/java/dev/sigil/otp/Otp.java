package dev.sigil.otp;

import dev.sigil.config.Config;
import dev.sigil.environment.EnvironmentService;
import dev.sigil.keys.MasterKey;
import dev.sigil.ratelimit.RateLimiter;
import dev.sigil.session.SessionService;
import dev.sigil.user.UserService;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one-time code feature wired together: which channels have a sender (SMTP and Twilio when configured; in
 * {@code sigil dev} the console for the rest), the engine, the outbox and its worker, and the routes.
 */
public final class Otp implements AutoCloseable {
    public final Outbox outbox;
    public final OtpSignIn signIn;
    public final SmsBudget smsBudget;
    private final OutboxWorker worker;
    private final Optional<DevConsoleSender> devConsole;
    private final Set<OtpChannel> channels;

    public Otp(Config config, Jdbi jdbi, MasterKey masterKey, UserService users, SessionService sessions,
               RateLimiter limiter, SecureRandom random, Clock clock, MeterRegistry registry) {
        Map<OtpChannel, CodeSender> senders = new EnumMap<>(OtpChannel.class);
        config.smtp().ifPresent(smtp -> senders.put(OtpChannel.EMAIL, new SmtpCodeSender(smtp)));
        config.sms().ifPresent(sms -> senders.put(OtpChannel.SMS, new TwilioSmsSender(sms)));
        this.devConsole = config.devMode() ? Optional.of(new DevConsoleSender(System.out, clock)) : Optional.empty();
        devConsole.ifPresent(console -> {
            for (OtpChannel channel : OtpChannel.values()) {
                senders.putIfAbsent(channel, console);
            }
        });
        this.outbox = new Outbox(jdbi, masterKey, clock);
        this.worker = new OutboxWorker(outbox, senders);
        this.smsBudget = new SmsBudget(jdbi, clock, SmsRules.refusedCounter(registry, "budget"),
                SmsRules.refusedCounter(registry, "disabled"));
        OtpCodes codes = new OtpCodes(jdbi, outbox, new CodeHasher(masterKey.derive("otp code hash v1")), random, clock,
                worker::wake, smsBudget);
        this.signIn = new OtpSignIn(jdbi, codes, users, sessions, limiter, senders.keySet(), new SmsRules(registry));
        this.channels = Set.copyOf(senders.keySet());
    }

    /** Dynamic's provider names of the channels that have a sender: {@code emailOnly}, {@code sms}. */
    public Set<String> signInProviders() {
        Set<String> out = new java.util.HashSet<>();
        if (channels.contains(OtpChannel.EMAIL)) {
            out.add(dev.sigil.environment.PublicSettings.EMAIL_PROVIDER);
        }
        if (channels.contains(OtpChannel.SMS)) {
            out.add(dev.sigil.environment.PublicSettings.SMS_PROVIDER);
        }
        return Set.copyOf(out);
    }

    /** Starts sending queued codes (the server does; one-shot commands like {@code env create} do not). */
    public void startSending() {
        worker.start();
    }

    public List<Consumer<RoutesConfig>> routes(EnvironmentService environments) {
        OtpRoutes routes = new OtpRoutes(signIn);
        return devConsole.<List<Consumer<RoutesConfig>>>map(console -> List.of(routes::register,
                        new DevOutboxRoutes(environments, console)::register))
                .orElseGet(() -> List.of(routes::register));
    }

    @Override
    public void close() {
        worker.close();
    }
}
