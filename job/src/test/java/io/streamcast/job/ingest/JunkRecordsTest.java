package io.streamcast.job.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig.Format;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every kind of junk gets the reason the generator promises, from the job's own deserialiser and rules. */
class JunkRecordsTest {
    static final int C = 3;
    static final ReadingRules RULES = new ReadingRules(C, Duration.ofDays(7).toMillis(), Duration.ofMinutes(5).toMillis());

    @ParameterizedTest
    @EnumSource(Format.class)
    void everyKindIsDeadLetteredWithItsReason(Format format) {
        assertTrue(JunkRecords.kinds().size() >= 30, JunkRecords.kinds()::toString);
        JunkRecords junk = new JunkRecords(format, C, 7L);
        Map<String, Integer> perKind = new HashMap<>();
        // enough turns for the truncation kind to go through every offset of a reading
        int n = JunkRecords.kinds().size() * 120;
        for (int i = 0; i < n; i++) {
            JunkRecords.Junk j = junk.next();
            assertEquals(j.reason(), reason(format, j.value()), () -> j.kind() + ": " + j.reason());
            perKind.merge(j.kind(), 1, Integer::sum);
        }
        assertEquals(JunkRecords.kinds().size(), perKind.size());
    }

    /** The reason the job gives these bytes, or null when it would accept them. */
    static DeadLetterReason reason(Format format, byte[] value) {
        Ingested in = ReadingDeserializerTest.deserialize(format, List.of(), value);
        if (!in.decoded()) {
            assertNotNull(in.failureDetail);
            return DeadLetterReason.valueOf(in.failure);
        }
        ReadingRules.Violation v = RULES.check(in.reading, System.currentTimeMillis());
        return v == null ? null : v.reason();
    }
}
