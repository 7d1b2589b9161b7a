package io.sightline.auth.jwt.internal;

import com.nimbusds.jose.JOSEException;
import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.AuthProvider;
import io.sightline.api.auth.TokenIssuer;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-token access control with JWTs: verifies HS256 tokens with the shared secret and RS256/ES256 tokens with the
 * JWKS keys, and issues HS256 share-link tokens with the same secret. Configuration PID {@code io.sightline.auth.jwt}.
 */
@Component(service = {AuthProvider.class, TokenIssuer.class}, configurationPid = JwtAuthProvider.PID)
@Designate(ocd = JwtAuthConfiguration.class)
public final class JwtAuthProvider implements AuthProvider, TokenIssuer {
    /** The configuration PID. */
    static final String PID = "io.sightline.auth.jwt";

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthProvider.class);

    private final Path generatedSecretFile;
    private volatile Engine engine;

    /** The verifier and minter built from one configuration, swapped whole on change. */
    private record Engine(VerificationKeys keys, TokenVerifier verifier, TokenMinter minter) {
    }

    @Activate
    public JwtAuthProvider(BundleContext context, JwtAuthConfiguration config) throws Exception {
        String karafData = context.getProperty("karaf.data");
        // Karaf's data dir outlives a reinstall of this bundle (the bundle's own data area does not).
        this.generatedSecretFile = karafData != null
                ? Path.of(karafData, "sightline", "auth-jwt", "hmac.secret")
                : context.getDataFile("hmac.secret").toPath();
        this.engine = build(config, generatedSecretFile, Clock.systemUTC());
    }

    /**
     * A changed file: the new keys replace the old ones at once. A file that cannot be used (a truncated JWKS, an
     * unreadable secret) is refused whole and the running keys stay, so a bad edit neither locks every viewer out nor
     * half-applies; the error names the file. Throwing here instead would make Declarative Services deactivate the
     * provider, and token streams would refuse everyone until the file is fixed.
     */
    @Modified
    void modified(JwtAuthConfiguration config) {
        Engine previous = engine;
        try {
            engine = build(config, generatedSecretFile, Clock.systemUTC());
        } catch (Exception e) {
            LOG.error("JWT auth configuration etc/{}.cfg refused, the previous keys stay in use: {}", PID,
                    e.getMessage());
            return;
        }
        close(previous);
    }

    @Deactivate
    void deactivate() {
        close(engine);
    }

    @Override
    public AccessDecision decide(AccessRequest request) {
        return engine.verifier().decide(request);
    }

    @Override
    public String issue(String streamPattern, Set<Action> actions, Duration ttl, String subject) {
        return engine.minter().mint(streamPattern, actions, ttl, subject);
    }

    private static Engine build(JwtAuthConfiguration config, Path generatedSecretFile, Clock clock)
            throws IOException, ParseException, JOSEException {
        boolean generated = blank(config.hmac_secret()) && blank(config.hmac_secret_file());
        byte[] secret;
        try {
            secret = SecretStore.resolve(config.hmac_secret(), config.hmac_secret_file(), generatedSecretFile);
        } catch (IllegalArgumentException | IOException e) {
            LOG.error("JWT auth: HMAC secret unusable (hmac.secret / hmac.secret.file): {}", e.getMessage());
            throw e;
        }
        Path jwksFile = blank(config.jwks_file()) ? null : Path.of(config.jwks_file().strip());
        URL jwksUrl = blank(config.jwks_url()) ? null : new URL(config.jwks_url().strip());
        VerificationKeys keys;
        try {
            keys = VerificationKeys.create(secret, jwksFile, jwksUrl,
                    Duration.ofSeconds(Math.max(1, config.jwks_cache_seconds())).toMillis(),
                    Math.max(100, config.jwks_timeout_ms()));
        } catch (IOException | ParseException e) {
            LOG.error("JWT auth: cannot read the JWKS file {} (jwks.file): {}", jwksFile, e.getMessage());
            throw e;
        }
        String issuer = blank(config.issuer()) ? null : config.issuer().strip();
        String audience = blank(config.audience()) ? null : config.audience().strip();
        Duration skew = Duration.ofSeconds(Math.max(0, config.clock_skew_seconds()));
        LOG.info("JWT auth ready: HS256 secret {}, JWKS file {}, JWKS URL {}, issuer {}, audience {}, skew {}s",
                generated ? "generated (" + generatedSecretFile + ")" : "configured",
                jwksFile == null ? "none" : jwksFile, jwksUrl == null ? "none" : withoutSecrets(jwksUrl),
                issuer == null ? "any" : issuer, audience == null ? "any" : audience, skew.toSeconds());
        return new Engine(keys, new TokenVerifier(keys, issuer, audience, skew, clock),
                new TokenMinter(secret, issuer, audience, clock));
    }

    /** The URL without user info or query, which may carry credentials. */
    private static String withoutSecrets(URL url) {
        return url.getProtocol() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static void close(Engine engine) {
        if (engine != null) {
            try {
                engine.keys().close();
            } catch (IOException e) {
                LOG.debug("Closing the JWKS source failed", e);
            }
        }
    }
}
