package io.sightline.tls.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of HTTPS ({@code etc/io.sightline.tls.cfg}); without that file nothing changes. */
@ObjectClassDefinition(name = "Sightline TLS",
        description = "Serves HTTPS with a certificate and private key from PEM files.")
@interface TlsConfiguration {
    @AttributeDefinition(name = "Certificate file",
            description = "PEM file with the server certificate first, then any intermediate certificates.")
    String cert_file();

    @AttributeDefinition(name = "Key file",
            description = "PEM file with the unencrypted private key (RSA or EC; PKCS#8 or traditional). Keep it 600.")
    String key_file();

    @AttributeDefinition(name = "HTTPS port", description = "Port of the HTTPS listener. Changing it restarts the "
            + "web server's connectors (requests in flight at that moment fail); a renewed certificate does not.")
    int https_port() default 8443;

    @AttributeDefinition(name = "Redirect HTTP",
            description = "Answer plain-HTTP requests (except /health) with a redirect to HTTPS.")
    boolean redirect_http() default false;

    @AttributeDefinition(name = "Renewal check (s)",
            description = "How often the certificate and key files are checked for changes (e.g. a certbot renewal); "
                    + "a change is loaded into the running HTTPS connector at once, without interrupting requests. 0 turns the "
                    + "check off.")
    int reload_check_seconds() default 60;
}
