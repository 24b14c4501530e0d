package io.streamcast.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.models.InvalidInputException;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FlinkRestTest {
    @Test
    void firstErrorKeepsTheReasonsAndDropsTheStackTrace() throws Exception {
        String body = "{\"errors\":[\"org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\\n"
                + "\\tat org.apache.flink.Foo.bar(Foo.java:1)\\n"
                + "Caused by: java.lang.ClassNotFoundException: io.streamcast.job.ForecastJob\\n"
                + "\\t... 12 more\\n\"]}";
        String reason = FlinkRest.firstError(new ObjectMapper().readTree(body));
        assertTrue(reason.contains("Could not execute application."), reason);
        assertTrue(reason.contains("ClassNotFoundException: io.streamcast.job.ForecastJob"), reason);
        assertFalse(reason.contains("Foo.java"), reason);
    }

    @Test
    void noClusterGivesTheFix() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        FlinkRest rest = new FlinkRest("http://127.0.0.1:" + port);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> rest.get("/overview"));
        assertTrue(e.getMessage().contains("./streamcast cluster start"), e.getMessage());
    }

    @Test
    void rejectsANonUrl() {
        assertThrows(InvalidInputException.class, () -> new FlinkRest("8081"));
    }

    @Test
    void jobUrlPointsAtTheWebUi() {
        assertEquals("http://127.0.0.1:8081/#/job/running/abc/overview",
                new FlinkRest("http://127.0.0.1:8081/").jobUrl("abc"));
    }
}
