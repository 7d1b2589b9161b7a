package io.sightline.core.internal;

import io.sightline.api.control.Actor;
import io.sightline.api.control.AuditEntry;
import io.sightline.api.control.Masking;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change, from any surface: one line in the log (logger {@code io.sightline.audit}, so it can be routed to a
 * file of its own) and the last entries in memory for the console. Values are masked before they get here.
 */
final class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger("io.sightline.audit");
    private final ArrayDeque<AuditEntry> recent = new ArrayDeque<>();
    private final int capacity;

    AuditTrail(int capacity) {
        this.capacity = capacity;
    }

    void record(Actor actor, String action, String target, Map<String, String> before, Map<String, String> after) {
        AuditEntry entry = new AuditEntry(System.currentTimeMillis(), actor, action, target,
                Masking.mask(before), Masking.mask(after));
        synchronized (recent) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(entry);
        }
        LOG.info("{} by {} via {} from {}: {}{}", action, actor.user(), actor.surface(), actor.address(), target,
                changes(entry.before(), entry.after()));
    }

    List<AuditEntry> entries() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** " a: 1 -> 2, b: (unset) -> x" for the keys that differ. */
    static String changes(Map<String, String> before, Map<String, String> after) {
        StringBuilder s = new StringBuilder();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            String b = before.get(k);
            String a = after.get(k);
            if (b == null ? a != null : !b.equals(a)) {
                s.append(s.length() == 0 ? " " : ", ").append(k).append(": ").append(b == null ? "(unset)" : b)
                        .append(" -> ").append(a == null ? "(unset)" : a);
            }
        }
        return s.toString();
    }
}
