package io.streamcast.job.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * An in-memory sink for MiniCluster tests: every subtask appends what it receives to one list per
 * sink instance, read with {@link #received()} after the job finished. The list lives in a static
 * map (sinks are serialised into the job), so a test uses it in the JVM that runs the MiniCluster.
 */
public final class CollectSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Object>> RECEIVED = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public CollectSink() {
        RECEIVED.put(id, new ArrayList<>());
    }

    /** What all subtasks received, in arrival order per subtask. */
    @SuppressWarnings("unchecked")
    public List<T> received() {
        List<Object> list = RECEIVED.get(id);
        synchronized (list) {
            return new ArrayList<>((List<T>) (List<?>) list);
        }
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> list = RECEIVED.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                synchronized (list) {
                    list.add(element);
                }
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
