package dev.sigil.otp;

/** Where a one-time code goes, with the error codes Dynamic's client knows for each (UnprocessableEntityErrorCode). */
public enum OtpChannel {
    EMAIL("email", "wrong_email_verification_token", "too_many_email_verification_attempts",
            "invalid_email_verification", "no_enabled_email_provider", "email_already_exists"),
    SMS("sms", "wrong_sms_verification_token", "too_many_sms_verification_attempts",
            "invalid_sms_verification", "no_enabled_sms_provider", "user_has_already_account_with_phone_number");

    final String column;
    final String wrongCode;
    final String tooManyAttempts;
    final String invalidVerification;
    final String noProvider;
    final String ownedByAnotherUser;

    OtpChannel(String column, String wrongCode, String tooManyAttempts, String invalidVerification, String noProvider,
               String ownedByAnotherUser) {
        this.column = column;
        this.wrongCode = wrongCode;
        this.tooManyAttempts = tooManyAttempts;
        this.invalidVerification = invalidVerification;
        this.noProvider = noProvider;
        this.ownedByAnotherUser = ownedByAnotherUser;
    }

    static OtpChannel ofColumn(String column) {
        for (OtpChannel channel : values()) {
            if (channel.column.equals(column)) {
                return channel;
            }
        }
        throw new IllegalArgumentException("unknown channel " + column);
    }
}
