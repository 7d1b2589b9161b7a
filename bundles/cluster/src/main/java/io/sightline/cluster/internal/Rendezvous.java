package io.sightline.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/**
 * Highest-random-weight (rendezvous) choice of a member for a stream (decision 0036): every node computes the same
 * answer from the same member list, and the streams of a failed member spread evenly over the survivors instead of
 * all landing on whichever node looked least loaded a moment ago.
 */
final class Rendezvous {
    private Rendezvous() {
    }

    /** The member with the highest weight for the stream; null when there are no candidates. */
    static String pick(String stream, Collection<String> members) {
        String best = null;
        long bestWeight = Long.MIN_VALUE;
        for (String member : members) {
            long weight = weight(stream, member);
            if (best == null || weight > bestWeight || (weight == bestWeight && member.compareTo(best) < 0)) {
                best = member;
                bestWeight = weight;
            }
        }
        return best;
    }

    private static long weight(String stream, String member) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((stream + '\n' + member).getBytes(StandardCharsets.UTF_8));
            long w = 0;
            for (int i = 0; i < 8; i++) {
                w = (w << 8) | (d[i] & 0xff);
            }
            return w;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
