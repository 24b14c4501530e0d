package io.streamcast.job.reload;

import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Loads the bundle a {@link ModelUpdate} points at and decides whether it may serve: the checksum
 * the pointer recorded, the bundle's own checksum and shapes ({@link ForecastModel#load}, which also
 * probes it at the training means), the same window T and channel count C as the running pipeline,
 * and finite forecasts on a second probe (an all-zero window). Runs off the task thread.
 */
public class BundleValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int window;
    private final int channels;

    /** @param window T and @param channels C of the windows the pipeline assembles */
    public BundleValidator(int window, int channels) {
        this.window = window;
        this.channels = channels;
    }

    /** A bundle that must not serve, and why. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** @return the loaded model, ready to forecast; the caller owns (and closes) it */
    public ForecastModel load(ModelUpdate update) throws Rejected {
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "streamcast-bundles");
        try (ModelStore.LocalBundle local = ModelStore.localCopy(update.uri, scratch)) {
            Manifest manifest = ModelBundle.readManifest(local.dir());
            if (!update.sha256.isEmpty() && !update.sha256.equalsIgnoreCase(manifest.networkSha256())) {
                throw new Rejected("the bundle changed after it was published: its manifest records network sha256 "
                        + manifest.networkSha256() + ", the pointer " + update.sha256, null);
            }
            ModelSpec spec = manifest.spec();
            if (spec.window() != window || spec.channelCount() != channels) {
                throw new Rejected("shape mismatch: the bundle has window T=" + spec.window() + " and C="
                        + spec.channelCount() + " channels, the pipeline assembles T=" + window + ", C=" + channels
                        + " (a new T or C needs a new job)", null);
            }
            ForecastModel model = ForecastModel.load(local.dir());
            try {
                probeZeros(model);
            } catch (Rejected e) {
                model.close();
                throw e;
            }
            return model;
        } catch (BundleException e) {
            throw new Rejected(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new Rejected("cannot read the bundle at " + update.uri + ": " + e, e);
        }
    }

    private static void probeZeros(ForecastModel model) throws Rejected {
        float[] f = model.predict(new float[][] {new float[model.spec().inputLength()]})[0];
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
                throw new Rejected("non-finite forecast (" + f[i] + " at output " + i + ") on an all-zero probe window", null);
            }
        }
    }

    public int window() {
        return window;
    }

    public int channels() {
        return channels;
    }
}
