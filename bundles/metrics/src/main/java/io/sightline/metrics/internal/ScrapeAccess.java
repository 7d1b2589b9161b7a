package io.sightline.metrics.internal;

import io.sightline.endpoint.support.AddressRanges;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may scrape: the caller's address must lie in one of the allowed blocks, and when a token file is configured the
 * request must also carry that token. The metric labels name every stream, so the default is loopback only.
 */
final class ScrapeAccess {
    private static final Logger LOG = LoggerFactory.getLogger(ScrapeAccess.class);

    /** The answer for one request. */
    enum Decision {
        /** Serve the page. */
        ALLOW,
        /** 401: the address is allowed but the bearer token is missing or wrong. */
        UNAUTHORIZED,
        /** 403: the address is not allowed, or the token file cannot be read (fail closed). */
        FORBIDDEN
    }

    /** Never empty-means-everyone here: no valid entry is {@link AddressRanges#NONE}. */
    private final AddressRanges allowed;
    private final ScrapeToken token;
    /** Set while the token file is unusable, so a broken file is logged once, not on every scrape. */
    private volatile boolean tokenBroken;

    ScrapeAccess(AddressRanges allowed, ScrapeToken token) {
        this.allowed = allowed;
        this.token = token;
    }

    /**
     * Builds the rules from configuration. Entries that are not CIDR blocks are logged and left out, which can only
     * narrow access.
     *
     * @param allowFrom       CIDR blocks or addresses
     * @param bearerTokenFile path of the token file, or empty for none
     */
    static ScrapeAccess of(String[] allowFrom, String bearerTokenFile) {
        List<String> ranges = new ArrayList<>();
        for (String entry : allowFrom == null ? new String[0] : allowFrom) {
            for (String part : entry.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                try {
                    AddressRanges.parse(part); // checked one by one, so a bad entry is named and left out
                    ranges.add(part.trim());
                } catch (IllegalArgumentException e) {
                    LOG.error("metrics allow.from: {}; entry ignored", e.getMessage());
                }
            }
        }
        ScrapeToken token = null;
        if (bearerTokenFile != null && !bearerTokenFile.isBlank()) {
            token = new ScrapeToken(java.nio.file.Path.of(bearerTokenFile.trim()));
            try {
                token.refresh();
            } catch (IOException e) {
                LOG.error("metrics bearer.token.file {} cannot be used ({}): every scrape is refused until it can",
                        token.file(), e.getMessage());
            }
        }
        return new ScrapeAccess(ranges.isEmpty() ? AddressRanges.NONE : AddressRanges.parse(ranges), token);
    }

    /** Decides on a request from {@code remoteAddress} with this {@code Authorization} header (may be null). */
    Decision decide(String remoteAddress, String authorization) {
        if (remoteAddress == null || !allowed.contains(remoteAddress)) {
            return Decision.FORBIDDEN;
        }
        if (token == null) {
            return Decision.ALLOW;
        }
        try {
            token.refresh();
            tokenBroken = false;
        } catch (IOException e) {
            if (!tokenBroken) {
                tokenBroken = true;
                LOG.warn("metrics {} cannot be read ({}): scrapes refused", token.file(), e.getMessage());
            }
            return Decision.FORBIDDEN;
        }
        return token.matches(authorization) ? Decision.ALLOW : Decision.UNAUTHORIZED;
    }

    /** Whether a token is required. */
    boolean needsToken() {
        return token != null;
    }

    @Override
    public String toString() {
        return "allow.from " + allowed + (token == null ? "" : ", bearer " + token);
    }
}
