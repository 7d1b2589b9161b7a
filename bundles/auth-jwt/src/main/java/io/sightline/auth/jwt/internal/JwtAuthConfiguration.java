package io.sightline.auth.jwt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the JWT auth provider ({@code etc/io.sightline.auth.jwt.cfg}). */
@ObjectClassDefinition(name = "Sightline JWT auth",
        description = "Verifies bearer tokens (JWT: HS256 with a shared secret, RS256/ES256 with public keys from a "
                + "JWKS) and issues share-link tokens signed HS256.")
@interface JwtAuthConfiguration {
    @AttributeDefinition(name = "HMAC secret", type = AttributeType.PASSWORD, required = false,
            description = "Shared secret for HS256 tokens, at least 32 characters. Prefer 'hmac.secret.file'. When "
                    + "neither is set, a random 256-bit secret is generated once and kept in the data directory.")
    String hmac_secret() default "";

    @AttributeDefinition(name = "HMAC secret file", required = false,
            description = "File whose content (trimmed) is the HS256 secret. Wins over 'hmac.secret'.")
    String hmac_secret_file() default "";

    @AttributeDefinition(name = "JWKS file", required = false,
            description = "A JSON Web Key Set file with the RSA/EC public keys that verify RS256/ES256 tokens.")
    String jwks_file() default "";

    @AttributeDefinition(name = "JWKS URL", required = false,
            description = "URL of a JSON Web Key Set (e.g. an identity provider's jwks_uri), fetched with a timeout, "
                    + "cached and refreshed in the background.")
    String jwks_url() default "";

    @AttributeDefinition(name = "JWKS cache time (s)", description = "How long keys fetched from 'jwks.url' are used "
            + "before they are fetched again.")
    int jwks_cache_seconds() default 300;

    @AttributeDefinition(name = "JWKS fetch timeout (ms)", description = "Connect and read timeout of one JWKS fetch.")
    int jwks_timeout_ms() default 2000;

    @AttributeDefinition(name = "Issuer", required = false,
            description = "When set, tokens must carry this 'iss' claim, and issued tokens carry it.")
    String issuer() default "";

    @AttributeDefinition(name = "Audience", required = false,
            description = "When set, tokens must list this value in their 'aud' claim, and issued tokens carry it.")
    String audience() default "";

    @AttributeDefinition(name = "Clock skew (s)",
            description = "Tolerance when checking 'exp' and 'nbf' against this server's clock.")
    int clock_skew_seconds() default 30;
}
