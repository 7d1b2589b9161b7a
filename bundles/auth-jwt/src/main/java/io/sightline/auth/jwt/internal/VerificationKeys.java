package io.sightline.auth.jwt.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.Closeable;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys that verify token signatures, each with its verifier built once. HS256 tokens are checked only against the
 * shared secret and RS256/ES256 tokens only against the JWKS public keys, so a public key can never be misused as an
 * HMAC secret (algorithm confusion).
 */
final class VerificationKeys implements Closeable {
    /** Verifiers for JWKS keys; bounded so a key set that rotates often cannot grow it without limit. */
    private static final int MAX_CACHED_VERIFIERS = 64;
    private static final int JWKS_SIZE_LIMIT = 256 * 1024;

    private final JWSVerifier hmacVerifier;
    private final List<JWKSource<SecurityContext>> jwkSources;
    private final Map<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();

    private VerificationKeys(JWSVerifier hmacVerifier, List<JWKSource<SecurityContext>> jwkSources) {
        this.hmacVerifier = hmacVerifier;
        this.jwkSources = jwkSources;
    }

    /**
     * Builds the key set.
     *
     * @param hmacSecret  the HS256 secret (at least 32 bytes)
     * @param jwksFile    a JWKS file, or null
     * @param jwksUrl     a JWKS URL, or null
     * @param cacheMillis how long keys fetched from the URL are used
     * @param timeoutMillis connect and read timeout of one fetch
     */
    static VerificationKeys create(byte[] hmacSecret, Path jwksFile, URL jwksUrl, long cacheMillis,
            int timeoutMillis) throws IOException, ParseException, JOSEException {
        List<JWKSource<SecurityContext>> sources = new ArrayList<>(2);
        if (jwksFile != null) {
            sources.add(new ImmutableJWKSet<>(JWKSet.load(jwksFile.toFile())));
        }
        if (jwksUrl != null) {
            sources.add(JWKSourceBuilder.<SecurityContext>create(jwksUrl,
                            new DefaultResourceRetriever(timeoutMillis, timeoutMillis, JWKS_SIZE_LIMIT))
                    .cache(cacheMillis, timeoutMillis)
                    .refreshAheadCache(false)
                    .outageTolerant(true)
                    .build());
        }
        return new VerificationKeys(new MACVerifier(hmacSecret), List.copyOf(sources));
    }

    /** The verifiers that may have signed a token with this header; empty when no key fits. */
    List<JWSVerifier> verifiersFor(JWSHeader header) throws KeySourceException, JOSEException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (JWSAlgorithm.HS256.equals(alg)) {
            return List.of(hmacVerifier);
        }
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
        for (JWKSource<SecurityContext> source : jwkSources) {
            List<JWK> keys = source.get(selector, null);
            if (!keys.isEmpty()) {
                List<JWSVerifier> found = new ArrayList<>(keys.size());
                for (JWK key : keys) {
                    found.add(verifierFor(key));
                }
                return found;
            }
        }
        return List.of();
    }

    private JWSVerifier verifierFor(JWK key) throws JOSEException {
        JWSVerifier cached = verifiers.get(key);
        if (cached != null) {
            return cached;
        }
        JWSVerifier created;
        if (key instanceof RSAKey rsa) {
            created = new RSASSAVerifier(rsa.toRSAPublicKey());
        } else if (key instanceof ECKey ec) {
            created = new ECDSAVerifier(ec.toECPublicKey());
        } else {
            throw new JOSEException("unsupported key type " + key.getKeyType());
        }
        if (verifiers.size() >= MAX_CACHED_VERIFIERS) {
            verifiers.clear();
        }
        verifiers.put(key, created);
        return created;
    }

    @Override
    public void close() throws IOException {
        for (JWKSource<SecurityContext> source : jwkSources) {
            if (source instanceof Closeable closeable) {
                closeable.close();
            }
        }
    }
}
