package io.sightline.source.whep.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP half of a WHEP client (RFC 9725): POST the offer, keep the session's Location, DELETE it at the end.
 * The bearer token goes in the Authorization header only, never in a URL or a message.
 */
final class WhepSignaling {
    /** An endpoint's answer; {@code location} is absolute. */
    record Answer(String sdp, URI location) {
    }

    private static final int MAX_REASON = 200;

    private final HttpClient http;
    private final URI endpoint;
    private final String token;
    private final Duration timeout;

    WhepSignaling(URI endpoint, String token, Duration timeout) {
        this.endpoint = endpoint;
        this.token = token;
        this.timeout = timeout;
        // Redirects are followed: a cluster node answers 307 towards the node that serves the stream.
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** POSTs {@code offer}. @throws IOException with the status and a short reason when the endpoint refuses it */
    Answer offer(String offer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offer));
        authorize(request);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("WHEP endpoint answered " + response.statusCode() + ": "
                    + shorten(response.body()));
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.toLowerCase().startsWith("application/sdp")) {
            throw new IOException("WHEP endpoint answered 201 with Content-Type '" + shorten(type)
                    + "', not application/sdp");
        }
        URI location = response.headers().firstValue("Location")
                .map(l -> response.uri().resolve(l)).orElse(null);
        return new Answer(response.body(), location);
    }

    /** Ends the session at the endpoint without waiting: a stopping source must not block on a slow peer. */
    void delete(URI location) {
        if (location == null) {
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(location).timeout(timeout).DELETE();
        authorize(request);
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    private void authorize(HttpRequest.Builder request) {
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
    }

    private static String shorten(String s) {
        String oneLine = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON) + "...";
    }
}
