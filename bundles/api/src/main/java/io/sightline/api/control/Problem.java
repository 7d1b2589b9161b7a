package io.sightline.api.control;

/**
 * One reason a change was refused.
 *
 * @param key     the offending property ({@code name} for the stream name, empty when it concerns the whole change)
 * @param message what is wrong and what would be accepted, for operators
 */
public record Problem(String key, String message) {
}
