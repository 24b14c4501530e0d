package io.streamcast.cli.model;

import io.streamcast.models.Head;
import io.streamcast.models.PerStepTarget;
import io.streamcast.models.WindowNorm;
import picocli.CommandLine.ITypeConverter;

/** picocli converters for the CLI spellings (flat, per-step, next, aligned, none, last, mean). */
final class Converters {
    private Converters() {
    }

    static final class HeadConverter implements ITypeConverter<Head> {
        @Override
        public Head convert(String value) {
            return Head.parse(value);
        }
    }

    static final class TargetConverter implements ITypeConverter<PerStepTarget> {
        @Override
        public PerStepTarget convert(String value) {
            return PerStepTarget.parse(value);
        }
    }

    static final class WindowNormConverter implements ITypeConverter<WindowNorm> {
        @Override
        public WindowNorm convert(String value) {
            return WindowNorm.parse(value);
        }
    }

    /** Train/validation/test fractions, e.g. 0.7,0.1,0.2. */
    record Fractions(double[] values) {
    }

    /** "0.7,0.1,0.2" -> fractions. */
    static final class FractionsConverter implements ITypeConverter<Fractions> {
        @Override
        public Fractions convert(String value) {
            String[] p = value.split(",");
            if (p.length != 3) throw new IllegalArgumentException("expected three fractions like 0.7,0.1,0.2");
            double[] f = new double[3];
            for (int i = 0; i < 3; i++) f[i] = Double.parseDouble(p[i].trim());
            return new Fractions(f);
        }
    }
}
