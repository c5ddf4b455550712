package dev.capstan.tuning.domain;

/** The value one parameter takes in a configuration. */
public sealed interface ParameterValue {

    /** The value as a trial template's {@code ${param}} placeholder receives it. */
    String text();

    /** The numeric value; categorical choices have none. */
    double number();

    record IntValue(long value) implements ParameterValue {
        @Override
        public String text() {
            return Long.toString(value);
        }

        @Override
        public double number() {
            return value;
        }
    }

    record FloatValue(double value) implements ParameterValue {
        @Override
        public String text() {
            return Double.toString(value);
        }

        @Override
        public double number() {
            return value;
        }
    }

    record Choice(String value) implements ParameterValue {
        @Override
        public String text() {
            return value;
        }

        @Override
        public double number() {
            throw new UnsupportedOperationException("a categorical choice has no numeric value: " + value);
        }
    }
}
