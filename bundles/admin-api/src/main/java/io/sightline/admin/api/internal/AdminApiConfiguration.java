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
}
