package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RealmAuthenticatorTest {
    private final RealmAuthenticator realm = new RealmAuthenticator("karaf", "admin",
            TableLoginModule.Role.class.getName(), TableLoginModule.configuration());

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAdminWithTheRoleIsAdmitted() {
        RealmAuthenticator.Result r = realm.authenticate(basic("admin:secret"));
        assertEquals(RealmAuthenticator.Outcome.ADMIN, r.outcome());
        assertEquals("admin", r.user());
    }

    @Test
    void aUserWithoutTheRoleIsKnownButNotAdmitted() {
        assertEquals(RealmAuthenticator.Outcome.NO_ROLE, realm.authenticate(basic("viewer:pw")).outcome());
    }

    @Test
    void missingMalformedAndWrongCredentialsAreUnauthenticated() {
        for (String header : new String[] {null, "", "Bearer abc", "Basic", "Basic !!!", basic("nocolon"),
                basic(":secret"), basic("admin:wrong"), basic("nobody:secret")}) {
            assertEquals(RealmAuthenticator.Outcome.UNAUTHENTICATED, realm.authenticate(header).outcome(),
                    String.valueOf(header));
        }
    }

    @Test
    void anUnknownRealmAdmitsNobody() {
        RealmAuthenticator other = new RealmAuthenticator("other", "admin", TableLoginModule.Role.class.getName(),
                TableLoginModule.configuration());
        assertEquals(RealmAuthenticator.Outcome.UNAUTHENTICATED, other.authenticate(basic("admin:secret")).outcome());
    }
}
