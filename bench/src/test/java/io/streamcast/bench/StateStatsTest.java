package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateStatsTest {
    @Test
    void theFailedCheckpointsOfTheHistoryAreCountedByReason() throws Exception {
        JsonNode history = new ObjectMapper().readTree("""
                [{"id": 5, "status": "COMPLETED"},
                 {"id": 4, "status": "FAILED", "failure_message": "Checkpoint expired before completing."},
                 {"id": 3, "status": "IN_PROGRESS"},
                 {"id": 2, "status": "FAILED", "failure_message": "Checkpoint expired before completing."},
                 {"id": 1, "status": "FAILED"}]
                """);
        assertEquals(Map.of("Checkpoint expired before completing.", 2, "(no message)", 1), StateStats.failureReasons(history));
        assertEquals(Map.of(), StateStats.failureReasons(new ObjectMapper().readTree("[]")));
    }
}
