package io.streamcast.models.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.models.Normalizer;
import io.streamcast.models.data.WindowSet;
import java.util.function.IntConsumer;

/**
 * Scores a forecaster and the Repeat baseline on the windows of a test range, under two protocols:
 * every window, and the published one (batches of 32 in order, the last partial batch dropped, as in the
 * Informer/Autoformer/DLinear test loaders).
 *
 * @param windows          all test windows
 * @param publishedWindows windows under the published protocol
 * @param model            the model, all windows (null when only the baseline was scored)
 * @param repeat           Repeat, all windows
 * @param modelPublished   the model, published protocol (may be null)
 * @param repeatPublished  Repeat, published protocol
 */
public record Evaluation(int windows, int publishedWindows, Scores model, Scores repeat, Scores modelPublished,
        Scores repeatPublished) {

    public static final int PUBLISHED_BATCH = 32;

    /**
     * @param model      the forecaster to score, or null for the baseline only
     * @param normalizer train-split statistics: the normalised scale divides errors by its std (the target
     *                   channels' of {@code test})
     * @param progress   called with the number of windows done so far (may be null)
     */
    public static Evaluation evaluate(Forecaster model, Normalizer normalizer, WindowSet test, int batchSize,
            IntConsumer progress) {
        int n = test.size();
        if (n == 0) throw new IllegalArgumentException("the test range holds no complete window");
        int published = n / PUBLISHED_BATCH * PUBLISHED_BATCH;
        int h = test.horizon();
        int[] targets = test.targets();
        float[] allStd = normalizer.std();
        float[] std = new float[targets.length];
        for (int k = 0; k < targets.length; k++) std[k] = allStd[targets[k]];
        int c = targets.length;
        Scores.Accumulator m = new Scores.Accumulator(h, c, std);
        Scores.Accumulator r = new Scores.Accumulator(h, c, std);
        Scores.Accumulator mp = new Scores.Accumulator(h, c, std);
        Scores.Accumulator rp = new Scores.Accumulator(h, c, std);
        Repeat repeat = new Repeat(test.window(), test.channels(), h, targets);
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            float[][] in = new float[to - from][];
            for (int i = from; i < to; i++) in[i - from] = test.input(i);
            float[][] fm = model == null ? null : model.predict(in);
            float[][] fr = repeat.predict(in);
            for (int i = from; i < to; i++) {
                float[] actual = test.target(i);
                if (fm != null) m.add(fm[i - from], actual);
                r.add(fr[i - from], actual);
                if (i < published) {
                    if (fm != null) mp.add(fm[i - from], actual);
                    rp.add(fr[i - from], actual);
                }
            }
            if (progress != null) progress.accept(to);
        }
        return new Evaluation(n, published, model == null ? null : m.scores(), r.scores(),
                model == null || published == 0 ? null : mp.scores(), published == 0 ? null : rp.scores());
    }

    /**
     * {"windows", "model": Scores, "repeat": Scores, "published": {"windows", "model", "repeat"}}; the top-level
     * model/repeat use every window; {@code model.mse} etc. are on the normalised scale.
     */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("windows", windows);
        if (model != null) n.set("model", model.toJson());
        n.set("repeat", repeat.toJson());
        ObjectNode p = n.putObject("published");
        p.put("protocol", "batches of " + PUBLISHED_BATCH + ", last partial batch dropped");
        p.put("windows", publishedWindows);
        if (modelPublished != null) p.set("model", modelPublished.toJson());
        if (repeatPublished != null) p.set("repeat", repeatPublished.toJson());
        return n;
    }
}
