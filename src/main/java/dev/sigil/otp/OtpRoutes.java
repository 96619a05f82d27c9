package dev.sigil.otp;

import dev.sigil.store.Ids;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.http.RequestBody;
import dev.sigil.http.Responses;
import dev.sigil.http.SdkRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code /emailVerifications/*} and {@code /smsVerifications/*} under {@code /api/v0/sdk/{environmentId}}: parse, call {@link OtpSignIn}, render. */
public final class OtpRoutes {
    private static final String BASE = "/api/v0/sdk/{environmentId}";
    static final Pattern UUID = Pattern.compile(Ids.REGEX, Pattern.CASE_INSENSITIVE);
    /** Dynamic's sixDigitsVerificationToken. */
    static final Pattern CODE = Pattern.compile("^[0-9]{6}$");
    static final Pattern SESSION_PUBLIC_KEY = Pattern.compile("^[0-9a-fA-F]{2,255}$");

    private final OtpSignIn otp;

    public OtpRoutes(OtpSignIn otp) {
        this.otp = otp;
    }

    public void register(RoutesConfig routes) {
        routes.post(BASE + "/emailVerifications/create", ctx -> {
            Destination email = email(RequestBody.read(ctx, false));
            String id = otp.create(SdkRequests.environment(ctx), email);
            Responses.json(ctx, 201, emailCreated(id, email));
        });
        routes.post(BASE + "/emailVerifications/retry", ctx -> {
            RequestBody body = RequestBody.read(ctx, false);
            String id = verificationId(body);
            Destination sent = otp.retry(SdkRequests.environment(ctx), id, email(body));
            Responses.json(ctx, 201, emailCreated(id, sent));
        });
        routes.post(BASE + "/emailVerifications/signin", ctx -> signIn(ctx, OtpChannel.EMAIL));
        routes.post(BASE + "/emailVerifications/verify", ctx -> verify(ctx, OtpChannel.EMAIL));
        routes.post(BASE + "/smsVerifications/create", ctx -> {
            Destination phone = phone(RequestBody.read(ctx, false));
            String id = otp.create(SdkRequests.environment(ctx), phone);
            Responses.json(ctx, 201, smsCreated(id, phone));
        });
        routes.post(BASE + "/smsVerifications/retry", ctx -> {
            RequestBody body = RequestBody.read(ctx, false);
            String id = verificationId(body);
            Destination sent = otp.retry(SdkRequests.environment(ctx), id, phone(body));
            Responses.json(ctx, 201, smsCreated(id, sent));
        });
        routes.post(BASE + "/smsVerifications/signin", ctx -> signIn(ctx, OtpChannel.SMS));
        routes.post(BASE + "/smsVerifications/verify", ctx -> verify(ctx, OtpChannel.SMS));
    }

    private static Destination phone(RequestBody body) {
        return PhoneNumbers.parse(body.requiredString("phoneCountryCode", 255), body.requiredString("phoneNumber", 255),
                body.requiredString("isoCountryCode", 4));
    }

    /** The SmsVerificationCreateResponse of a verification just started (also in UpdateSelfResponse). */
    public static Map<String, Object> smsCreated(String id, Destination phone) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("verificationUUID", id);
        out.put("phoneNumber", phone.details().get("phoneNumber"));
        out.put("phoneCountryCode", phone.details().get("phoneCountryCode"));
        out.put("isoCountryCode", phone.details().get("isoCountryCode"));
        return out;
    }

    void signIn(Context ctx, OtpChannel channel) {
        Environment env = SdkRequests.environment(ctx);
        RequestBody body = RequestBody.read(ctx, false);
        String id = verificationId(body);
        String code = code(body);
        Optional<String> sessionPublicKey = body.optionalString("sessionPublicKey", 255, SESSION_PUBLIC_KEY, "a hex public key");
        Responses.json(ctx, 200, otp.signIn(env, channel, id, code, sessionPublicKey, SdkRequests.audience(ctx, env)).toJson());
    }

    void verify(Context ctx, OtpChannel channel) {
        Environment env = SdkRequests.environment(ctx);
        String bearer = SdkRequests.bearer(ctx);
        RequestBody body = RequestBody.read(ctx, false);
        String id = verificationId(body);
        String code = code(body);
        Responses.json(ctx, 200, otp.verify(env, channel, bearer, id, code, SdkRequests.audience(ctx, env)));
    }

    private static Destination email(RequestBody body) {
        String text = body.requiredString("email", 1024);
        EmailAddress email = EmailAddress.parse(text)
                .orElseThrow(() -> ApiException.unprocessable("invalid_email", "email is not a valid email address"));
        return new Destination(OtpChannel.EMAIL, email.value(), email.key(), Map.of());
    }

    /** The EmailVerificationCreateResponse of a verification just started (also in UpdateSelfResponse). */
    public static Map<String, Object> emailCreated(String id, Destination email) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("verificationUUID", id);
        out.put("email", email.value());
        return out;
    }

    static String verificationId(RequestBody body) {
        return body.optionalString("verificationUUID", 36, UUID, "a UUID")
                .orElseThrow(() -> ApiException.badRequest("verificationUUID is required"))
                .toLowerCase(java.util.Locale.ROOT);
    }

    static String code(RequestBody body) {
        return body.optionalString("verificationToken", 6, CODE, "six digits")
                .orElseThrow(() -> ApiException.badRequest("verificationToken is required"));
    }
}
