package io.streamcast.tools;

import io.streamcast.avro.Forecast;
import io.streamcast.job.evaluation.EvaluationLines;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast tail}: reads forecasts (or, with {@code --evaluation}, scored forecasts) from Kafka,
 * committed transactions only, and prints them decoded.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print forecasts from Kafka, decoded (one line each, or JSON).",
            "Forecasts are Avro (single-object encoding) on the forecasts topic.",
            "--evaluation prints the evaluation topic instead: per scored forecast the model's and Repeat's MSE",
            "(normalised), the skill 1 - MSE_model/MSE_repeat, and the sensor's live skill over its last --last forecasts.",
            "Reads with isolation.level=read_committed (exactly-once output shows up at checkpoints) and "
                + "without a consumer group (nothing is committed)."})
public final class TailCommand implements Callable<Integer> {
    @Option(names = "--max", paramLabel = "N", description = "Exit after N records (default: run until Ctrl-C).")
    Long max;

    @Option(names = "--timeout", paramLabel = "S",
            description = "With --max: give up after S seconds, exit 1 (default: wait forever).")
    Double timeout;

    @Option(names = "--json", description = "One JSON object per record (all values).")
    boolean json;

    @Option(names = "--evaluation",
            description = "Print the evaluation topic (live skill per sensor) instead of forecasts.")
    boolean evaluation;

    @Option(names = "--last", paramLabel = "N", defaultValue = "50",
            description = "With --evaluation: a sensor's live skill covers its last N forecasts (default ${DEFAULT-VALUE}).")
    int last;

    @Option(names = "--from", paramLabel = "earliest|latest", defaultValue = "earliest",
            description = "Where to start in the topic (default ${DEFAULT-VALUE}).")
    String from;

    @picocli.CommandLine.Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic",
            description = "Topic (default forecasts, or forecast-evaluations with --evaluation).")
    String topic;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (evaluation) {
            EvaluationLines lines = new EvaluationLines(last);
            return TopicTail.run(kafka.properties(), topic == null ? "forecast-evaluations" : topic, from, max, timeout,
                    value -> json ? lines.json(value) : lines.line(value), spec.commandLine().getOut());
        }
        return TopicTail.run(kafka.properties(), topic == null ? "forecasts" : topic, from, max, timeout, value -> {
            Forecast forecast = Forecast.getDecoder().decode(ByteBuffer.wrap(value));
            return json ? ForecastFormat.json(forecast) : ForecastFormat.line(forecast);
        }, spec.commandLine().getOut());
    }
}
