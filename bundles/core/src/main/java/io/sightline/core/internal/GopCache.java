package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The units since the last video keyframe, so a new subscriber can start decoding at once instead of waiting up to
 * a whole GOP for the next keyframe. Bounded: a GOP longer than the limits is not cached (the subscriber then waits
 * for a keyframe, which it also requests). Not thread-safe: used under the stream's fan-out lock.
 */
final class GopCache {
    private static final int MAX_UNITS = 600;
    private static final long MAX_BYTES = 16L << 20;

    private final List<EncodedUnit> units = new ArrayList<>();
    private long bytes;
    private boolean valid;

    void add(EncodedUnit unit) {
        if (unit.codec().kind() == MediaKind.VIDEO && unit.keyframe()) {
            clear();
            valid = true;
        }
        if (!valid) {
            return;
        }
        if (units.size() >= MAX_UNITS || bytes + unit.size() > MAX_BYTES) {
            clear();
            return;
        }
        units.add(unit);
        bytes += unit.size();
    }

    /** The cached units in arrival order, starting with a video keyframe; empty when none is cached. */
    List<EncodedUnit> units() {
        return units;
    }

    void clear() {
        units.clear();
        bytes = 0;
        valid = false;
    }
}
