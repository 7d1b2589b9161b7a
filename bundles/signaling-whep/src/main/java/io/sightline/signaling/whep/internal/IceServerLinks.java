package io.sightline.signaling.whep.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Formats configured STUN/TURN servers as WHEP {@code Link} headers (RFC 8288, {@code rel="ice-server"}).
 * Configuration entries look like {@code turn:host:3478?transport=udp username=u credential=p}.
 */
final class IceServerLinks {
    private IceServerLinks() {
    }

    static List<String> format(String[] servers) {
        List<String> links = new ArrayList<>();
        if (servers == null) {
            return links;
        }
        for (String entry : servers) {
            String[] parts = entry.trim().split("\\s+");
            if (parts[0].isEmpty() || !parts[0].matches("(stun|stuns|turn|turns):[^<>\"\\s]+")) {
                continue;
            }
            StringBuilder link = new StringBuilder("<").append(parts[0]).append(">; rel=\"ice-server\"");
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    String key = parts[i].substring(0, eq);
                    String value = parts[i].substring(eq + 1).replace("\"", "");
                    link.append("; ").append(key).append("=\"").append(value).append('"');
                    if (key.equals("credential")) {
                        link.append("; credential-type=\"password\"");
                    }
                }
            }
            links.add(link.toString());
        }
        return links;
    }
}
