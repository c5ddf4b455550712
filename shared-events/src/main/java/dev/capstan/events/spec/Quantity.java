package dev.capstan.events.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 4}, {@code 16Gi}, {@code 1G}, {@code 1e3}, {@code 0.5}) held
 * exactly, in its base unit (cores, bytes, GPUs).
 *
 * <p>The grammar is Kubernetes' ({@code k8s.io/apimachinery/pkg/api/resource}): an optionally signed decimal number
 * ({@code 1}, {@code 1.5}, {@code .5}, {@code 5.}) followed by nothing, a decimal SI suffix ({@code n u m k M G T P
 * E}), a binary SI suffix ({@code Ki Mi Gi Ti Pi Ei}) or a decimal exponent ({@code e3}, {@code E-2}). No spaces.
 * Arithmetic is exact (no floating point): {@code 0.1} is one tenth, so {@code 0.1} cores is exactly {@code 100m}.
 * Conversions to whole units round up, as Kubernetes does when it stores CPU with a precision of 1m: a request never
 * shrinks below what was written.
 */
public final class Quantity {

    /** Binary suffixes: powers of 1024. */
    private static final Map<String, BigDecimal> BINARY = Map.of(
            "Ki", BigDecimal.valueOf(1024L),
            "Mi", BigDecimal.valueOf(1024L * 1024),
            "Gi", BigDecimal.valueOf(1024L * 1024 * 1024),
            "Ti", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024),
            "Pi", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024 * 1024),
            "Ei", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024 * 1024 * 1024));
    /** Decimal suffixes: powers of ten ({@code n} and {@code u} are in Kubernetes' parser though not its docs). */
    private static final Map<String, Integer> DECIMAL = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6,
            "G", 9, "T", 12, "P", 15, "E", 18);
    /**
     * Largest exponent accepted: far beyond any resource (10^30 bytes is a million exabytes) while keeping a typo such
     * as {@code 1e999999999} from building a number with a billion digits.
     */
    private static final int MAX_EXPONENT = 30;
    /** Longest text accepted; Kubernetes' own quantities are short, and a long one is a mistake, not a request. */
    private static final int MAX_LENGTH = 64;
    private static final BigDecimal MEBIBYTE = BINARY.get("Mi");
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private final BigDecimal value;

    private Quantity(BigDecimal value) {
        this.value = value;
    }

    /** A quantity of exactly {@code value} base units. */
    public static Quantity of(BigDecimal value) {
        return new Quantity(value);
    }

    /**
     * Reads a quantity.
     *
     * @throws InvalidQuantityException naming what is wrong, in words a user can act on
     */
    public static Quantity parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidQuantityException("is empty: expected a quantity such as 500m, 4, 16Gi or 1e3");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidQuantityException("is longer than " + MAX_LENGTH + " characters");
        }
        int i = 0;
        boolean negative = false;
        if (text.charAt(0) == '+' || text.charAt(0) == '-') {
            negative = text.charAt(0) == '-';
            i++;
        }
        int numberStart = i;
        int digits = 0;
        boolean point = false;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            throw new InvalidQuantityException("'" + text + "' is not a quantity: it must start with a number, "
                    + "e.g. 500m, 4, 16Gi or 1e3");
        }
        BigDecimal number = new BigDecimal(text.substring(numberStart, i));
        if (negative) {
            number = number.negate();
        }
        String suffix = text.substring(i);
        return new Quantity(scaled(text, number, suffix));
    }

    private static BigDecimal scaled(String text, BigDecimal number, String suffix) {
        BigDecimal binary = BINARY.get(suffix);
        if (binary != null) {
            return number.multiply(binary);
        }
        Integer power = DECIMAL.get(suffix);
        if (power != null) {
            return number.scaleByPowerOfTen(power);
        }
        // "E" alone is exa (above); "e"/"E" followed by a signed integer is an exponent.
        if ((suffix.startsWith("e") || suffix.startsWith("E")) && suffix.length() > 1) {
            String exponent = suffix.substring(1);
            if (exponent.matches("[+-]?[0-9]{1,3}")) {
                int e = Integer.parseInt(exponent);
                if (Math.abs(e) > MAX_EXPONENT) {
                    throw new InvalidQuantityException("'" + text + "': the exponent must be between -" + MAX_EXPONENT
                            + " and " + MAX_EXPONENT);
                }
                return number.scaleByPowerOfTen(e);
            }
        }
        throw new InvalidQuantityException("'" + text + "' has an unknown suffix '" + suffix + "': expected one of "
                + "m, k, M, G, T, P, E (powers of 1000), Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024) or an exponent "
                + "such as e3");
    }

    /** The exact value in base units (cores, bytes, GPUs). */
    public BigDecimal value() {
        return value;
    }

    public boolean isNegative() {
        return value.signum() < 0;
    }

    public boolean isZero() {
        return value.signum() == 0;
    }

    /** Thousandths of the base unit, rounded up: CPU cores as millicores, a GPU share as milli-GPUs. */
    public long milliRoundedUp() {
        return wholeRoundedUp(value.movePointRight(3));
    }

    /** Bytes as MiB, rounded up: {@code 1G} (10^9 bytes) is 954 MiB, never 953. */
    public long mebibytesRoundedUp() {
        return wholeRoundedUp(value.divide(MEBIBYTE, 0, RoundingMode.CEILING));
    }

    /** Whether the value is a whole number (an extended resource such as {@code nvidia.com/gpu} must be one). */
    public boolean isWhole() {
        return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }

    private static long wholeRoundedUp(BigDecimal v) {
        BigDecimal up = v.setScale(0, RoundingMode.CEILING);
        if (up.compareTo(LONG_MAX) > 0 || up.compareTo(LONG_MAX.negate()) < 0) {
            throw new InvalidQuantityException("is too large");
        }
        return up.longValueExact();
    }

    /** Millicores as Kubernetes writes them: {@code 4} for 4000, {@code 500m} for 500. */
    public static String cpu(long milli) {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : milli + "m";
    }

    /** MiB as Kubernetes writes them, in the largest binary unit that keeps the number whole: {@code 16Gi}. */
    public static String memory(long mib) {
        if (mib != 0 && mib % (1024L * 1024) == 0) {
            return mib / (1024L * 1024) + "Ti";
        }
        return mib != 0 && mib % 1024 == 0 ? mib / 1024 + "Gi" : mib + "Mi";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantity q && q.value.compareTo(value) == 0;
    }

    @Override
    public int hashCode() {
        return value.stripTrailingZeros().hashCode();
    }

    @Override
    public String toString() {
        return value.toPlainString();
    }

    /** Text that is not a quantity, or one too large for its unit. */
    public static final class InvalidQuantityException extends IllegalArgumentException {
        public InvalidQuantityException(String message) {
            super(message);
        }
    }
}
