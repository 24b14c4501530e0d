package io.streamcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.command.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad arguments to the deploy tools and the benchmarks: one line naming the problem, exit code 2, before anything starts. */
class ToolsCliTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "simulate --count 10                               | Missing required argument",
        "simulate --synthetic 2 --data x.csv               | mutually exclusive",
        "simulate --synthetic 2 --count 5 --duration 3     | mutually exclusive",
        "simulate --synthetic 2 --rate 0                   | --rate must be > 0",
        "simulate --synthetic 2 --count 0                  | --count must be at least 1",
        "simulate --synthetic 2 --format xml               | --format",
        "simulate --data /no/such.csv                      | CSV file /no/such.csv not found",
        "simulate --synthetic 2 --retry-for 0              | --retry-for must be at least 1 second",
        "tail --max 0                                      | --max must be at least 1",
        "audit check --window 0                            | --window must be at least 1",
        "audit check                                       | Missing required option: '--window=T'",
        "audit recovery                                    | Missing required option: '--fault-file=FILE'",
        "junk --count 0                                    | --count must be at least 1",
        "junk --format xml                                 | --format must be avro or json",
        "tail --from middle                                | --from must be earliest or latest",
        "cancel                                            | give either a JOB id or --all",
        "cancel 1234                                       | '1234' is not a job id",
        "stop                                              | Missing required parameter",
        "stop 1234                                         | '1234' is not a job id",
        "stop 0123456789abcdef0123456789abcdef --timeout 0 | --timeout must be at least 1",
        "submit --allow-non-restored-state                 | --allow-non-restored-state needs --from-savepoint",
        "cluster start --taskmanagers two                  | --taskmanagers",
        "simulate --synthetic 1 --start-millis 5           | --start-millis needs --step-millis",
        "tail --kafka-config /no/such.properties            | --kafka-config /no/such.properties cannot be read",
        "submit --parallelism 0                            | --parallelism must be at least 1",
        "submit --jar /no/such.jar                         | job jar /no/such.jar not found",
        "submit --jar pom.xml --rest nonsense              | is not a URL",
        "kafka start --port abc                            | --port",
        "kafka frobnicate                                  | Unmatched argument",
        "cluster start --slots many                        | --slots",
        "cluster start --prometheus-ports 9250..9251       | --prometheus-ports: '9250..9251' is not a port or a range",
        "bench e2e --rate fast                             | --rate fast is not valid",
        "bench e2e --mode sometimes                        | --mode sometimes is not valid",
        "bench inference --batch 0                         | --batch needs positive whole numbers",
        "bench inference --model /no/such/bundle           | --model /no/such/bundle has no manifest.json",
    })
    void badArgumentsGiveOneLineAndExit2(String args, String expected) {
        StringWriter err = new StringWriter();
        CommandLine cmd = Cli.commandLine(new Streamcast());
        cmd.setErr(new PrintWriter(err, true));
        int rc = cmd.execute(args.trim().split("\\s+"));
        assertEquals(Cli.USAGE, rc, err.toString());
        String message = err.toString().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains(expected), message);
    }
}
