package io.streamcast.cli.model;

import io.streamcast.command.UsageError;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.models.BundleException;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/** {@code streamcast inspect}: what a bundle holds and whether it verifies. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {
            "Show a model bundle and verify it.",
            "Prints spec, normaliser, training, test metrics, and whether the network",
            "file's checksum and shapes verify (exit code 1 if not).", ""})
public final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec cmd;

    @Parameters(index = "0", paramLabel = "DIR", description = "Model bundle directory.")
    Path dir;

    @Override
    public Integer call() {
        Manifest m;
        try {
            m = ModelBundle.readManifest(dir);
        } catch (BundleException e) {
            throw new UsageError(e.getMessage());
        }
        PrintWriter out = cmd.commandLine().getOut();
        ModelSpec s = m.spec();
        out.printf("bundle     %s%n", dir);
        out.printf("name       %s%n", m.name());
        out.printf("version    %s%n", m.version());
        out.printf("created    %s%n", m.created());
        out.printf("format     %d%n", m.formatVersion());
        out.printf("head       %s%s%n", s.head(), s.head() == io.streamcast.models.Head.PER_STEP ? " (target " + s.perStepTarget() + ")" : "");
        out.printf("window     T=%d   horizon H=%d   channels C=%d   step %s%n", s.window(), s.horizon(), s.channelCount(),
                s.stepMillis() > 0 ? s.stepMillis() + " ms" : "unknown");
        out.printf("targets    %s (C_out=%d)%n", s.targets(), s.targetCount());
        if (s.layers() == 0) {
            out.printf("linear     Dense(%d -> %d), no LSTM%n", s.denseInputs(), s.networkOutputs());
        } else {
            out.printf("lstm       %d layer(s) x %d units, %s%n", s.layers(), s.units(), s.activation());
        }
        if (s.channelIndependent()) out.printf("channel-independent: one network of input width 1 for every target%n");
        out.printf("normaliser per-window: %s%n", m.normalizer().windowNorm());
        float[] mean = m.normalizer().mean();
        float[] std = m.normalizer().std();
        for (int c = 0; c < s.channelCount(); c++) {
            out.printf(Locale.ROOT, "           %-12s mean %12.5f  std %12.5f%n", s.channels().get(c), mean[c], std[c]);
        }
        JsonNode t = m.training();
        if (t != null) {
            JsonNode split = t.path("split");
            out.printf("training   data %s, split %s: train %s, validation %s, test %s%n", t.path("data").asText(),
                    split.path("protocol").asText(), split.path("train").asText(), split.path("validation").asText(),
                    split.path("test").asText());
            out.printf("           epochs run %s (best %s), batch %s, lr %s, seed %s, window-norm %s%n",
                    t.path("epochsRun").asText(), t.path("bestEpoch").asText(), t.path("batch").asText(),
                    t.path("learningRate").asText(), t.path("seed").asText(), t.path("windowNorm").asText());
        }
        JsonNode mt = m.metrics();
        if (mt != null && mt.has("model")) {
            out.printf(Locale.ROOT, "test       %s windows; normalised MSE/MAE model %.4f/%.4f, Repeat %.4f/%.4f%n",
                    mt.path("windows").asText(), mt.path("model").path("mse").asDouble(),
                    mt.path("model").path("mae").asDouble(), mt.path("repeat").path("mse").asDouble(),
                    mt.path("repeat").path("mae").asDouble());
        }
        if (m.source() != null) out.printf("source     %s%n", m.source());
        Path net = dir.resolve(ModelBundle.NETWORK_FILE);
        try {
            out.printf("network    %s, %d bytes%n", net.getFileName(), Files.size(net));
        } catch (java.io.IOException e) {
            out.printf("network    %s: missing%n", net.getFileName());
        }
        out.printf("sha256     %s%n", m.networkSha256());
        try {
            ModelBundle.verifyChecksum(dir, m);
            out.println("checksum   OK");
        } catch (BundleException e) {
            out.println("checksum   FAILED: " + e.getMessage());
            return 1;
        }
        try {
            ModelBundle b = ModelBundle.read(dir);
            out.printf("shapes     OK (%d parameters)%n", b.network().numParams());
        } catch (BundleException e) {
            out.println("shapes     FAILED: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
