package io.sightline.endpoint.support;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the address lists an operator writes ({@code access.public.from}, the metrics'
 * {@code allow.from}) and of the client addresses they are matched against: a list is either refused with an
 * {@link IllegalArgumentException} naming the entry or matches without an exception. The input is
 * {@code <list>\n<address>}.
 */
class AddressRangesFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void listAndAddress(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        String list = nl < 0 ? s : s.substring(0, nl);
        String address = nl < 0 ? "127.0.0.1" : s.substring(nl + 1);
        AddressRanges ranges;
        try {
            ranges = AddressRanges.parse(list);
        } catch (IllegalArgumentException refused) {
            return;
        }
        ranges.contains(address);
        ranges.isEmpty();
        AddressRanges.literal(address);
        AddressRanges.clientKey(address);
    }
}
