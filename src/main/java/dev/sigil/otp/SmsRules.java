package dev.sigil.otp;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import dev.sigil.http.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;

/**
 * Which numbers may be sent an SMS code, before anything is sent or stored. SMS toll fraud (SMS pumping,
 * International Revenue Share Fraud) has a script request codes to numbers whose operator pays the attacker a share
 * of each message: premium-rate, shared-cost and universal access numbers are that business model, so they are
 * always refused; nobody signs in from one. The line type comes from libphonenumber's metadata, not from a prefix
 * list of our own that would go stale.
 *
 * <p>VoIP numbers are allowed unless {@code settings.sigil.otp.smsAllowVoip} is false: they are real people's
 * numbers (Google Voice, business lines) and cost no more than a mobile, so refusing them stops throwaway accounts,
 * not toll fraud; Dynamic and Twilio Verify's fraud guard leave it to the project too.
 */
final class SmsRules {
    /** The types refused, with how the error and the {@code reason} label of the refusal counter name them. */
    private record Refusal(String reason, String description) {
    }

    private static final Map<PhoneNumberType, Refusal> ALWAYS_REFUSED = Map.of(
            PhoneNumberType.PREMIUM_RATE, new Refusal("premium_rate", "a premium-rate number"),
            PhoneNumberType.SHARED_COST, new Refusal("shared_cost", "a shared-cost number"),
            PhoneNumberType.UAN, new Refusal("uan", "a universal access number (UAN)"));
    private static final Refusal VOIP = new Refusal("voip", "a VoIP number");

    /** {@code sigil_sms_refused_total} by reason: a rising count is an SMS pumping attempt an operator wants to see. */
    private final Map<String, Counter> refused = new HashMap<>();

    SmsRules(MeterRegistry registry) {
        for (Refusal refusal : ALWAYS_REFUSED.values()) {
            refused.put(refusal.reason(), refusedCounter(registry, refusal.reason()));
        }
        refused.put(VOIP.reason(), refusedCounter(registry, VOIP.reason()));
        refused.put("country", refusedCounter(registry, "country"));
    }

    /** The refusal counter of {@code reason}; {@link SmsBudget} counts its own under the same name. */
    static Counter refusedCounter(MeterRegistry registry, String reason) {
        return Counter.builder("sigil_sms_refused")
                .description("SMS codes refused before sending, by reason (toll-fraud rules and the daily budget)")
                .tag("reason", reason)
                .register(registry);
    }

    /** 422 {@code invalid_phone} saying why when {@code phone} may not be sent a code under {@code settings}. */
    void check(OtpSettings settings, Destination phone) {
        PhoneNumberType type = PhoneNumbers.typeOf(phone.key());
        Refusal refusal = ALWAYS_REFUSED.get(type);
        if (refusal == null && type == PhoneNumberType.VOIP && !settings.smsAllowVoip()) {
            refusal = VOIP;
        }
        if (refusal != null) {
            refused.get(refusal.reason()).increment();
            throw ApiException.unprocessable("invalid_phone",
                    "phoneNumber is " + refusal.description() + ", which cannot be sent codes");
        }
        String country = phone.details().get("isoCountryCode");
        if (!settings.smsCountryEnabled(country)) {
            refused.get("country").increment();
            throw ApiException.unprocessable("invalid_phone", "SMS codes to numbers of " + country
                    + " are not enabled for this environment");
        }
    }
}
