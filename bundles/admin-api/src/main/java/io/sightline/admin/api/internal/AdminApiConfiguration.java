package io.sightline.admin.api.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the admin REST API ({@code etc/io.sightline.admin.api.cfg}). */
@ObjectClassDefinition(name = "Sightline admin API",
        description = "The REST API at /api/*: streams, sessions and share links, for users of a JAAS realm.")
@interface AdminApiConfiguration {
    @AttributeDefinition(name = "JAAS realm", description = "Karaf JAAS realm that checks user names and passwords "
            + "(karaf: etc/users.properties by default; configure LDAP or a database in that realm).")
    String jaas_realm() default "karaf";

    @AttributeDefinition(name = "Admin role", description = "Role a user needs to use the API.")
    String admin_role() default "admin";

    @AttributeDefinition(name = "Role principal class", description = "Class of the principals that carry roles "
            + "in the realm's subjects.")
    String role_principal_class() default "org.apache.karaf.jaas.boot.principal.RolePrincipal";

    @AttributeDefinition(name = "Default share TTL", description = "Lifetime of a share link when the request "
            + "gives none, e.g. 10m, 2h, 1d.")
    String share_default_ttl() default "10m";

    @AttributeDefinition(name = "Maximum share TTL", description = "Longest lifetime a share link may ask for.")
    String share_max_ttl() default "7d";

    @AttributeDefinition(name = "Failures before delay", description = "Failed logins from one address (IPv6: one "
            + "/64), or for one user name, within the failure window before further attempts are refused with 429 "
            + "and Retry-After, without a realm login. 0 turns the throttle off.")
    int login_failures_before_delay() default 5;

    @AttributeDefinition(name = "Longest lockout (s)", description = "The refusal lasts 1 s after the last allowed "
            + "failure and doubles with each further failure, up to this.")
    int login_lockout_max_seconds() default 300;

    @AttributeDefinition(name = "Failure window (s)", description = "Failures of an address or user name are "
            + "forgotten this long after its last failure. A successful admin login clears its address at once.")
    int login_failure_window_seconds() default 900;

    @AttributeDefinition(name = "Tracked keys", description = "Most addresses, and most user names, tracked at "
            + "once; when all are busy, newcomers share one counter.")
    int login_throttle_max_entries() default 10000;

    @AttributeDefinition(name = "Login cache (s)", description = "How long a successful admin login is remembered "
            + "(by a keyed hash of the Authorization header, in memory) so a polling console does not log in on "
            + "every request. A removed user or changed password is honoured after at most this long; a failed "
            + "login for the user forgets it at once. 0 turns the cache off.")
    int login_cache_seconds() default 30;
}
