package io.sightline.source.whep.internal;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import java.net.URI;
import java.net.URISyntaxException;
import org.osgi.service.component.annotations.Component;

/** Serves {@code source.type = whep}: each stream gets a {@link WhepSource} pulling from its {@code source.url}. */
@Component(service = CaptureSourceFactory.class, property = CaptureSourceFactory.SOURCE_TYPE + "=whep")
public final class WhepSourceFactory implements CaptureSourceFactory {

    @Override
    public CaptureSource create(SourceContext context) {
        return new WhepSource(context, WhepSettings.of(context));
    }

    /** A stream's WHEP settings, checked once: a URL that can never work fails the stream instead of retrying. */
    record WhepSettings(URI url, String token, int connectTimeoutMs, int readTimeoutMs) {
        static WhepSettings of(SourceContext context) {
            String url = context.config("source.url", null);
            if (url == null) {
                throw new IllegalArgumentException("source.url is required (the WHEP endpoint)");
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("source.url is not a URL: " + e.getMessage());
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("source.url must be an http(s) WHEP endpoint");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("source.url must not carry credentials: use source.token");
            }
            int connect = context.config("source.connect.timeout.ms", 5000);
            int read = context.config("source.read.timeout.ms", 5000);
            if (connect < 100 || read < 100) {
                throw new IllegalArgumentException("source.connect.timeout.ms and source.read.timeout.ms must be "
                        + ">= 100");
            }
            return new WhepSettings(uri, context.config("source.token", ""), connect, read);
        }

        @Override
        public String toString() {
            return "WhepSettings[" + url + "]"; // never the token
        }
    }
}
