package io.sightline.core.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Coverage-guided fuzzing of a stream file's values: the input is the content of
 * {@code etc/io.sightline.stream-<name>.cfg}, read as properties the way Karaf reads it, and turned into
 * {@link StreamSettings}. A bad file must be refused with an {@link IllegalArgumentException} naming the key (the
 * stream then goes to {@code failed} with it as the reason), never with another exception.
 */
class StreamFileFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void streamFile(byte[] data) {
        Properties p = new Properties();
        try {
            p.load(new ByteArrayInputStream(data));
        } catch (IOException | IllegalArgumentException unreadable) {
            return; // Karaf's file reader refuses the file before it becomes a configuration
        }
        Map<String, Object> raw = new HashMap<>();
        p.forEach((k, v) -> raw.put(k.toString(), v));
        raw.put("felix.fileinstall.filename", "file:/opt/sightline/etc/io.sightline.stream-fuzz.cfg");
        try {
            StreamSettings s = StreamSettings.from(raw);
            if (s.name() == null || s.name().isEmpty()) {
                throw new AssertionError("a stream without a name");
            }
        } catch (IllegalArgumentException refused) {
            if (refused.getMessage() == null || refused.getMessage().isEmpty()) {
                throw new AssertionError("refused without a reason", refused);
            }
        }
    }
}
