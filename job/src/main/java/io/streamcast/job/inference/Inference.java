package io.streamcast.job.inference;

import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.reload.ModelReload;
import io.streamcast.job.reload.ModelUpdate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Windows in, forecasts out: the inference stage of the pipeline, batched or per record. */
public final class Inference {
    /** Operator uid, stable across versions so savepoints keep mapping. */
    public static final String UID = "inference";

    private Inference() {
    }

    /**
     * Batched inference following the model store: windows connected with the broadcast model
     * updates of the watcher (see {@link ReloadingInferenceOperator}).
     */
    public static SingleOutputStreamOperator<WindowForecast> withReload(DataStream<Window> windows,
            DataStream<ModelUpdate> updates, InferenceConfig cfg, ModelReload reload) {
        return windows.connect(updates.broadcast())
                .transform("inference (batched <= " + cfg.maxBatch() + ", model " + reload.name() + " hot reload)",
                        TypeInformation.of(WindowForecast.class),
                        new ReloadingInferenceOperator(cfg, reload.validator(), reload.awaitLimit()))
                .uid(UID);
    }

    public static SingleOutputStreamOperator<WindowForecast> apply(DataStream<Window> windows, InferenceConfig cfg) {
        TypeInformation<WindowForecast> type = TypeInformation.of(WindowForecast.class);
        return switch (cfg.mode()) {
            case BATCHED -> windows
                    .transform("inference (batched <= " + cfg.maxBatch() + ")", type, new BatchedInferenceOperator(cfg))
                    .uid(UID);
            case PER_RECORD -> windows
                    .map(new PerRecordInference(cfg))
                    .returns(type)
                    .name("inference (per record)")
                    .uid(UID);
        };
    }
}
