package io.sightline.shell.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings the shell commands share ({@code etc/io.sightline.shell.cfg}); present with or without that file. */
@Component(service = ShellSettings.class, configurationPid = "io.sightline.shell")
@Designate(ocd = ShellSettings.Config.class)
public final class ShellSettings {
    /** The configuration. */
    @ObjectClassDefinition(name = "Sightline shell", description = "Settings of the stream:* shell commands.")
    @interface Config {
        @AttributeDefinition(name = "Public URL", required = false,
                description = "Base URL viewers reach this server at, used in share links, e.g. "
                        + "'https://video.example.com'. Default: http://localhost:${SIGHTLINE_HTTP_PORT or 8080}.")
        String public_url() default "";
    }

    private volatile String publicUrl;

    @Activate
    @Modified
    void configure(Config config) {
        publicUrl = config.public_url();
    }

    /** The base URL for player links, never ending with a slash. */
    public String publicUrl() {
        return ShareLinks.baseUrl(publicUrl, Map.copyOf(System.getenv()));
    }
}
