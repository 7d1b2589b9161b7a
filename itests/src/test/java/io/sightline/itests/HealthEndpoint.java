package io.sightline.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The server's {@code GET /health}, called over real HTTP on the port the test gave Pax Web. */
final class HealthEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI uri;

    HealthEndpoint(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/health");
    }

    /** One request; a connection failure (server still booting) is an answer with status code -1. */
    HealthAnswer get() {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                    ? JSON.readTree(response.body()) : JSON.missingNode();
            return new HealthAnswer(response.statusCode(), body);
        } catch (IOException e) {
            return new HealthAnswer(-1, JSON.missingNode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * One answer of the health endpoint.
     *
     * @param statusCode HTTP status, -1 when the server did not answer
     * @param body       the JSON document, a missing node when there was none
     */
    record HealthAnswer(int statusCode, JsonNode body) {
        /** The overall {@code status} (up, degraded, down), empty when absent. */
        String overall() {
            return body.path("status").asText();
        }

        /** Whether the document lists this stream. */
        boolean hasStream(String name) {
            return body.path("streams").has(name);
        }

        /** The stream's {@code state} (live, idle, starting, reconnecting, failed), empty when absent. */
        String state(String stream) {
            return body.path("streams").path(stream).path("state").asText();
        }

        /** The stream's {@code detail}, empty when absent. */
        String detail(String stream) {
            return body.path("streams").path(stream).path("detail").asText();
        }

        /** The stream's {@code sourceType}, empty when absent. */
        String sourceType(String stream) {
            return body.path("streams").path(stream).path("sourceType").asText();
        }

        @Override
        public String toString() {
            return statusCode + " " + body;
        }
    }
}
