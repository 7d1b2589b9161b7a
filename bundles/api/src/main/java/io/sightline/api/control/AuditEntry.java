package io.sightline.api.control;

import java.util.Map;

/**
 * One recorded change: who, from where, what, and the values before and after (secrets masked).
 *
 * @param timeMillis epoch milliseconds
 * @param actor      who asked
 * @param action     {@code create}, {@code replace}, {@code edit}, {@code stop}, {@code start}, {@code remove},
 *                   {@code kick}
 * @param target     the stream name, or the session id for a kick
 * @param before     the properties before (empty for a create), secrets masked
 * @param after      the properties after (empty for a remove), secrets masked
 */
public record AuditEntry(long timeMillis, Actor actor, String action, String target, Map<String, String> before,
        Map<String, String> after) {
    /** Copies the maps. */
    public AuditEntry {
        before = Map.copyOf(before);
        after = Map.copyOf(after);
    }
}
