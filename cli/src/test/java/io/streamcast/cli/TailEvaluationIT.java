package io.streamcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.job.evaluation.EvaluatedForecast;
import io.streamcast.job.evaluation.EvaluationRecords;
import io.streamcast.job.testing.KafkaClusterExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

class TailEvaluationIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    /** model z^2 per step = {m, m}, Repeat's = {r, r}. */
    private static EvaluatedForecast evaluation(String sensor, long issuedAt, float m, float r) {
        EvaluatedForecast e = new EvaluatedForecast();
        e.sensorId = sensor;
        e.issuedAt = issuedAt;
        e.modelName = "etth1";
        e.modelVersion = "4";
        e.horizon = 2;
        e.channels = 1;
        e.stepMillis = 1000;
        e.lastActualAt = issuedAt + 2000;
        e.modelSqNorm = new float[] {m, m};
        e.repeatSqNorm = new float[] {r, r};
        e.modelAbs = new float[] {1, 2};
        e.modelSq = e.modelAbsNorm = e.repeatAbs = e.repeatSq = e.repeatAbsNorm = new float[] {0, 0};
        return e;
    }

    private static String run(String... args) {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new Streamcast());
        cl.setOut(new PrintWriter(sw));
        assertEquals(0, cl.execute(args), "exit code");
        return sw.toString();
    }

    @Test
    void printsEachEvaluationWithItsSkillAndTheSensorsLiveSkill() throws Exception {
        String topic = "tail-evaluations";
        KAFKA.createTopics(1, topic);
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (EvaluatedForecast e : List.of(evaluation("a", 0, 1, 2), evaluation("b", 0, 3, 2), evaluation("a", 1000, 0.5f, 2))) {
                p.send(new ProducerRecord<>(topic, e.sensorId.getBytes(), EvaluationRecords.encode(e)));
            }
            p.send(new ProducerRecord<>(topic, "junk".getBytes(), new byte[] {1, 2, 3})); // skipped, not fatal
        }
        String[] lines = run("tail", "--evaluation", "--bootstrap", KAFKA.bootstrapServers(), "--topic", topic,
                "--max", "3", "--timeout", "60", "--last", "2").split("\\R");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].contains(" a ") && lines[0].contains("etth1@4") && lines[0].contains("MSE 1.0000")
                && lines[0].contains("Repeat 2.0000") && lines[0].contains("skill +0.500"), lines[0]);
        assertTrue(lines[1].contains("skill -0.500") && lines[1].endsWith("sensor skill (last 2) -0.500"), lines[1]);
        // sensor a over its last 2: 1 - (1 + 0.5) / (2 + 2) = 0.625
        assertTrue(lines[2].contains("skill +0.750") && lines[2].endsWith("sensor skill (last 2) +0.625"), lines[2]);

        String json = run("tail", "--evaluation", "--bootstrap", KAFKA.bootstrapServers(), "--topic", topic,
                "--max", "1", "--timeout", "60", "--json").trim();
        JsonNode n = new ObjectMapper().readTree(json);
        assertEquals("a", n.get("sensorId").asText());
        assertEquals(0.5, n.get("skill").asDouble(), 1e-9);
        assertEquals(2, n.get("mseByStep").size());
        assertEquals(2.0, n.get("maeRawByStep").get(1).asDouble(), 1e-9);
    }

    @Test
    void aMissingTopicIsAUsageErrorNamingTheFix() {
        int code = io.streamcast.command.Cli.run(new Streamcast(), new String[] {"tail", "--evaluation", "--bootstrap",
                KAFKA.bootstrapServers(), "--topic", "no-such-topic", "--max", "1"});
        assertEquals(2, code);
    }
}
