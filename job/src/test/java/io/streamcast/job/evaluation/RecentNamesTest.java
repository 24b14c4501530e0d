package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecentNamesTest {
    @Test
    void aRepeatedNameIsTheSameStringAndEveryNameDecodesToItsBytes() {
        RecentNames names = new RecentNames();
        byte[] b = "..model-a..model-b..mödel-c..v1..v2..".getBytes(StandardCharsets.UTF_8);
        String a = names.decode(b, 2, 7);
        assertEquals("model-a", a);
        assertSame(a, names.decode("model-a".getBytes(StandardCharsets.UTF_8), 0, 7), "the same bytes elsewhere: the same String");
        assertEquals("model-b", names.decode(b, 11, 7), "same length, other bytes");
        assertEquals("mödel-c", names.decode(b, 20, 8));
        assertEquals("", names.decode(b, 0, 0));
        for (int round = 0; round < 3; round++) { // more names than slots: evicted ones decode again
            for (String s : new String[] {"v1", "v2", "model-a", "model-b", "x", "mödel-c"}) {
                byte[] own = s.getBytes(StandardCharsets.UTF_8);
                assertEquals(s, names.decode(own, 0, own.length));
            }
        }
    }
}
