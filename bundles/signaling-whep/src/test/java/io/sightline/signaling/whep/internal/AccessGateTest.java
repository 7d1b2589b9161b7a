package io.sightline.signaling.whep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.AuthProvider;
import io.sightline.api.stream.Stream;
import io.sightline.testing.TestStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessGateTest {
    /** A stream as the access gate sees it: a name and its access properties, never subscribed to. */
    static TestStream gated(String name, Map<String, Object> properties) {
        return new TestStream(name).sourceType("testpattern").properties(properties)
                .readOnly("the gate only reads a stream's access settings");
    }

    private static final List<AuthProvider> PROVIDERS = List.of(new FixedTokenProvider());
    private static final Stream SECRET = gated("secret", Map.of("access", "token"));
    private static final Stream DEMO = gated("demo", Map.of("access", "public",
            AccessGate.PUBLIC_FROM, "127.0.0.1/8, ::1"));
    private static final Stream OPEN = gated("open", Map.of("access", "public"));
    private static final Stream OFF = gated("off", Map.of("access", "disabled"));

    private static AccessGate.Outcome check(String name, Optional<Stream> stream, String token, String from) {
        return AccessGate.check(new AccessRequest(Action.READ, name, token, from, "127.0.0.1"), stream, PROVIDERS)
                .outcome();
    }

    private static AccessGate.Outcome check(Stream stream, String token, String from) {
        return check(stream.name(), Optional.of(stream), token, from);
    }

    @Test
    void publishingNeedsACredentialThatAllowsItEvenOnAPublicStream() {
        AccessGate.Outcome anonymous = AccessGate.check(new AccessRequest(Action.PUBLISH, "open", null, "127.0.0.1",
                "127.0.0.1"), Optional.of(OPEN), PROVIDERS).outcome();
        assertEquals(AccessGate.Outcome.UNAUTHENTICATED, anonymous, "public means watch, not publish");
        AccessGate.Outcome readOnly = AccessGate.check(new AccessRequest(Action.PUBLISH, "open", "good-open",
                "127.0.0.1", "127.0.0.1"), Optional.of(OPEN), PROVIDERS).outcome();
        assertEquals(AccessGate.Outcome.FORBIDDEN, readOnly);
        AccessGate.Outcome publisher = AccessGate.check(new AccessRequest(Action.PUBLISH, "open", "pub-open",
                "127.0.0.1", "127.0.0.1"), Optional.of(OPEN), PROVIDERS).outcome();
        assertEquals(AccessGate.Outcome.ALLOWED, publisher);
    }

    @Test
    void withoutAValidCredentialUnknownAndForbiddenStreamsLookTheSame() {
        for (String token : new String[] {null, "garbage", "expired"}) {
            assertEquals(AccessGate.Outcome.UNAUTHENTICATED, check("nosuch", Optional.empty(), token, "10.0.0.1"));
            assertEquals(AccessGate.Outcome.UNAUTHENTICATED, check(SECRET, token, "10.0.0.1"));
            assertEquals(AccessGate.Outcome.UNAUTHENTICATED, check(OFF, token, "10.0.0.1"));
        }
    }

    @Test
    void aValidTokenLearnsAboutUnknownStreamsOnlyWhenItCoversTheName() {
        assertEquals(AccessGate.Outcome.UNKNOWN_STREAM, check("nosuch", Optional.empty(), "good-nosuch", "10.0.0.1"));
        assertEquals(AccessGate.Outcome.UNKNOWN_STREAM, check("nosuch", Optional.empty(), "good-*", "10.0.0.1"));
        assertEquals(AccessGate.Outcome.FORBIDDEN, check("nosuch", Optional.empty(), "good-other", "10.0.0.1"));
    }

    @Test
    void aValidTokenForAnotherStreamIsForbidden() {
        assertEquals(AccessGate.Outcome.FORBIDDEN, check(SECRET, "good-demo", "10.0.0.1"));
        assertEquals(AccessGate.Outcome.ALLOWED, check(SECRET, "good-secret", "10.0.0.1"));
    }

    @Test
    void aValidTokenForAnotherActionIsForbidden() {
        AccessGate.Verdict v = AccessGate.check(new AccessRequest(Action.PUBLISH, "secret", "good-secret", "10.0.0.1",
                null), Optional.of(SECRET), PROVIDERS);
        assertEquals(AccessGate.Outcome.FORBIDDEN, v.outcome());
    }

    @Test
    void disabledStreamsRefuseEvenACoveringToken() {
        assertEquals(AccessGate.Outcome.FORBIDDEN, check(OFF, "good-off", "127.0.0.1"));
    }

    @Test
    void publicStreamsAdmitAnonymousCallersFromTheirAddressListOnly() {
        assertEquals(AccessGate.Outcome.ALLOWED, check(DEMO, null, "127.0.0.1"));
        assertEquals(AccessGate.Outcome.ALLOWED, check(DEMO, null, "127.9.8.7"));
        assertEquals(AccessGate.Outcome.ALLOWED, check(DEMO, null, "0:0:0:0:0:0:0:1"));
        assertEquals(AccessGate.Outcome.UNAUTHENTICATED, check(DEMO, null, "192.168.1.5"));
        assertEquals(AccessGate.Outcome.ALLOWED, check(DEMO, "good-demo", "192.168.1.5"));
        assertEquals(AccessGate.Outcome.ALLOWED, check(OPEN, null, "203.0.113.9"));
    }

    @Test
    void aRejectedCredentialIsRefusedEvenOnAPublicStream() {
        // Any DENY refuses (the SPI's rule): a stale token is reported rather than silently ignored.
        assertEquals(AccessGate.Outcome.UNAUTHENTICATED, check(OPEN, "garbage", "127.0.0.1"));
    }

    @Test
    void aMalformedAddressListAdmitsNobodyAnonymously() {
        Stream broken = gated("broken", Map.of("access", "public", AccessGate.PUBLIC_FROM, "localhost"));
        assertEquals(AccessGate.Outcome.UNAUTHENTICATED, check(broken, null, "127.0.0.1"));
    }

    @Test
    void withoutProvidersOnlyPublicStreamsAreReadableAndUnknownStreamsStay401() {
        AccessRequest r = new AccessRequest(Action.READ, "nosuch", null, "127.0.0.1", null);
        assertEquals(AccessGate.Outcome.UNAUTHENTICATED, AccessGate.check(r, Optional.empty(), List.of()).outcome());
        assertEquals(AccessGate.Outcome.ALLOWED, AccessGate.check(new AccessRequest(Action.READ, "demo", null,
                "127.0.0.1", null), Optional.of(DEMO), List.of()).outcome());
    }
}
