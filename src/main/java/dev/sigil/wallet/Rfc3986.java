package dev.sigil.wallet;

import java.net.URI;
import java.net.URISyntaxException;

/** The two RFC 3986 shapes a sign-in message uses: the requesting domain and absolute URIs. */
final class Rfc3986 {

    static final int MAX_DOMAIN_LENGTH = 255;

    private Rfc3986() {
    }

    /**
     * Whether {@code s} is an absolute URI. RFC 3986 URIs are printable ASCII without spaces; within that,
     * {@link URI} decides.
     */
    static boolean isAbsoluteUri(String s) {
        if (s.isEmpty() || !isVisibleAscii(s)) {
            return false;
        }
        try {
            return new URI(s).isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Checks that {@code domain} is a host with an optional port: EIP-4361 §Message Fields makes the domain an RFC 3986
     * authority. Userinfo is refused even though RFC 3986 allows it, because a domain such as
     * {@code trusted.example@evil.example} reads as the wrong site; an explicit scheme prefix is refused because
     * {@link SignInMessage} has no place to keep it.
     */
    static void checkDomain(String domain) throws InvalidSignInMessageException {
        if (domain.isEmpty()) {
            throw new InvalidSignInMessageException("domain is empty");
        }
        if (domain.length() > MAX_DOMAIN_LENGTH) {
            throw new InvalidSignInMessageException("domain is longer than " + MAX_DOMAIN_LENGTH + " characters");
        }
        if (domain.contains("://")) {
            throw new InvalidSignInMessageException("domain must not include a scheme");
        }
        if (domain.contains("@")) {
            throw new InvalidSignInMessageException("domain must not include userinfo");
        }
        if (!isHostAndPort(domain)) {
            throw new InvalidSignInMessageException("domain is not a host with an optional port");
        }
    }

    // java.net.URI's server-authority parse validates DNS names, IPv4 and bracketed IPv6 literals and the port digits.
    private static boolean isHostAndPort(String domain) {
        if (!isVisibleAscii(domain) || domain.endsWith(":")) {
            return false;
        }
        try {
            URI uri = new URI("https://" + domain + "/").parseServerAuthority();
            return uri.getHost() != null
                    && uri.getUserInfo() == null
                    && domain.equals(uri.getRawAuthority())
                    && "/".equals(uri.getRawPath())
                    && uri.getRawQuery() == null
                    && uri.getRawFragment() == null
                    && uri.getPort() <= 65535;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isVisibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
