package io.streamcast.job.config;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Keeps credentials out of logs: any setting whose name suggests a secret is shown as {@code ******}. */
public final class Secrets {
    public static final String MASK = "******";
    private static final String[] SECRET_MARKERS = {
        "password", "secret", "jaas", "token", "credential", "apikey", "api.key", "private", "key.pem", "certificate.chain"
    };

    private Secrets() {
    }

    /** True for keys such as sasl.jaas.config, ssl.keystore.password, *secret*, *token*. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String marker : SECRET_MARKERS) {
            if (k.contains(marker)) return true;
        }
        return false;
    }

    public static String mask(String key, String value) {
        return isSecret(key) ? MASK : value;
    }

    /** A sorted copy safe to print: secrets replaced by the mask. */
    public static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((k, v) -> out.put(k, mask(k, v)));
        return out;
    }

    public static Map<String, String> masked(Properties props) {
        Map<String, String> out = new TreeMap<>();
        for (String k : props.stringPropertyNames()) out.put(k, mask(k, props.getProperty(k)));
        return out;
    }
}
