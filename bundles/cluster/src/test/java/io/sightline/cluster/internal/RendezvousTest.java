package io.sightline.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The choice every node must compute alike: independent of list order, spread over members, stable on removal. */
class RendezvousTest {
    private static final List<String> MEMBERS = List.of("m-1", "m-2", "m-3");

    @Test
    void theSameAnswerWhateverTheOrderOfTheMembers() {
        for (int i = 0; i < 50; i++) {
            String stream = "cam" + i;
            assertEquals(Rendezvous.pick(stream, MEMBERS), Rendezvous.pick(stream, List.of("m-3", "m-1", "m-2")), stream);
        }
        assertNull(Rendezvous.pick("cam", List.of()));
    }

    @Test
    void aFailedMembersStreamsSpreadAndTheOthersStayPut() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String stream = "cam" + i;
            String before = Rendezvous.pick(stream, MEMBERS);
            String after = Rendezvous.pick(stream, List.of("m-2", "m-3"));
            if (!before.equals("m-1")) {
                assertEquals(before, after, "a stream of a survivor does not move: " + stream);
            } else {
                counts.merge(after, 1, Integer::sum);
            }
        }
        // m-1 held about a third; its streams split between the two survivors, neither takes (nearly) all.
        assertTrue(counts.getOrDefault("m-2", 0) > 30 && counts.getOrDefault("m-3", 0) > 30, counts.toString());
    }
}
