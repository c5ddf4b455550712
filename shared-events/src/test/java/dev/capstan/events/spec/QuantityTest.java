package dev.capstan.events.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Kubernetes quantities: the forms a manifest writes, exact values, rounding up, and the refusals. */
class QuantityTest {

    record Case(String text, String wantValue, long wantMilli, long wantMib) {
        @Override
        public String toString() {
            return text;
        }
    }

    static Stream<Case> valid() {
        return Stream.of(
                // CPU as manifests write it
                new Case("4", "4", 4000, 1),
                new Case("500m", "0.5", 500, 1),
                new Case("0.5", "0.5", 500, 1),
                new Case("1.5", "1.5", 1500, 1),
                new Case(".5", "0.5", 500, 1),
                new Case("5.", "5", 5000, 1),
                new Case("+2", "2", 2000, 1),
                new Case("0", "0", 0, 0),
                // finer than a millicore rounds up, as Kubernetes stores CPU
                new Case("0.0001", "0.0001", 1, 1),
                new Case("100u", "0.0001", 1, 1),
                new Case("1500n", "0.0000015", 1, 1),
                new Case("1001m", "1.001", 1001, 1),
                // exact decimals: no binary floating point creeps in
                new Case("0.1", "0.1", 100, 1),
                new Case("2.3", "2.3", 2300, 1),
                // memory, binary
                new Case("16Gi", "17179869184", 17_179_869_184_000L, 16_384),
                new Case("512Mi", "536870912", 536_870_912_000L, 512),
                new Case("1.5Gi", "1610612736", 1_610_612_736_000L, 1_536),
                new Case("1Ki", "1024", 1_024_000, 1),
                new Case("2Ti", "2199023255552", 2_199_023_255_552_000L, 2_097_152),
                new Case("1Pi", "1125899906842624", 1_125_899_906_842_624_000L, 1_073_741_824),
                // memory, decimal: 1G is 10^9 bytes = 953.67 MiB, rounded up
                new Case("1G", "1000000000", 1_000_000_000_000L, 954),
                new Case("128974848", "128974848", 128_974_848_000L, 123),
                new Case("129M", "129000000", 129_000_000_000L, 124),
                new Case("1k", "1000", 1_000_000, 1),
                new Case("2T", "2000000000000", 2_000_000_000_000_000L, 1_907_349),
                new Case("1P", "1000000000000000", 1_000_000_000_000_000_000L, 953_674_317),
                new Case("1E", "1000000000000000000", Long.MIN_VALUE, 953_674_316_407L),
                // exponents
                new Case("1e3", "1000", 1_000_000, 1),
                new Case("1E3", "1000", 1_000_000, 1),
                new Case("1.5e3", "1500", 1_500_000, 1),
                new Case("5e-1", "0.5", 500, 1),
                new Case("12E+2", "1200", 1_200_000, 1),
                new Case("1e9", "1000000000", 1_000_000_000_000L, 954));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void readsTheValueExactlyAndRoundsUpToWholeUnits(Case c) {
        Quantity q = Quantity.parse(c.text());

        assertThat(q.value()).isEqualByComparingTo(new BigDecimal(c.wantValue()));
        if (c.wantMilli() != Long.MIN_VALUE) {
            assertThat(q.milliRoundedUp()).isEqualTo(c.wantMilli());
        }
        assertThat(q.mebibytesRoundedUp()).isEqualTo(c.wantMib());
    }

    record Refused(String text, String wantMessage) {
        @Override
        public String toString() {
            return "'" + text + "'";
        }
    }

    static Stream<Refused> invalid() {
        return Stream.of(
                new Refused("", "is empty"),
                new Refused("Gi", "must start with a number"),
                new Refused("m", "must start with a number"),
                new Refused(".", "must start with a number"),
                new Refused("-", "must start with a number"),
                new Refused("four", "must start with a number"),
                new Refused("4 ", "unknown suffix ' '"),
                new Refused(" 4", "must start with a number"),
                new Refused("16GB", "unknown suffix 'GB'"),
                new Refused("16gi", "unknown suffix 'gi'"),
                new Refused("1.2.3", "unknown suffix '.3'"),
                new Refused("4cores", "unknown suffix 'cores'"),
                new Refused("1e", "unknown suffix 'e'"),
                new Refused("1e1.5", "unknown suffix 'e1.5'"),
                new Refused("1e31", "exponent must be between -30 and 30"),
                new Refused("1e-31", "exponent must be between -30 and 30"),
                new Refused("1e9999", "unknown suffix 'e9999'"),
                new Refused("1" + "0".repeat(70), "longer than 64 characters"),
                new Refused("--1", "must start with a number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesTextThatIsNotAQuantityAndSaysWhy(Refused r) {
        assertThatThrownBy(() -> Quantity.parse(r.text())).isInstanceOf(Quantity.InvalidQuantityException.class)
                .hasMessageContaining(r.wantMessage());
    }

    @Test
    void aValueTooLargeForItsUnitIsRefusedNotWrapped() {
        assertThatThrownBy(() -> Quantity.parse("100E").milliRoundedUp())
                .isInstanceOf(Quantity.InvalidQuantityException.class).hasMessageContaining("too large");
        assertThat(Quantity.parse("100E").mebibytesRoundedUp()).isEqualTo(95_367_431_640_625L);
    }

    @Test
    void signAndWholenessAreVisible() {
        assertThat(Quantity.parse("-1").isNegative()).isTrue();
        assertThat(Quantity.parse("-0").isNegative()).isFalse();
        assertThat(Quantity.parse("0").isZero()).isTrue();
        assertThat(Quantity.parse("2").isWhole()).isTrue();
        assertThat(Quantity.parse("2.0").isWhole()).isTrue();
        assertThat(Quantity.parse("2000m").isWhole()).isTrue();
        assertThat(Quantity.parse("1.5").isWhole()).isFalse();
        assertThat(Quantity.parse("500m").isWhole()).isFalse();
    }

    @Test
    void writesCpuAndMemoryAsKubernetesDoes() {
        assertThat(Quantity.cpu(4000)).isEqualTo("4");
        assertThat(Quantity.cpu(500)).isEqualTo("500m");
        assertThat(Quantity.cpu(1500)).isEqualTo("1500m");
        assertThat(Quantity.memory(16_384)).isEqualTo("16Gi");
        assertThat(Quantity.memory(512)).isEqualTo("512Mi");
        assertThat(Quantity.memory(1_536)).isEqualTo("1536Mi");
        assertThat(Quantity.memory(2_097_152)).isEqualTo("2Ti");
        assertThat(Quantity.memory(0)).isEqualTo("0Mi");
        // and what is written reads back to the same amount
        for (long mib : new long[] {1, 512, 1_536, 16_384, 2_097_152}) {
            assertThat(Quantity.parse(Quantity.memory(mib)).mebibytesRoundedUp()).isEqualTo(mib);
        }
        for (long milli : new long[] {1, 500, 1_000, 1_500, 64_000}) {
            assertThat(Quantity.parse(Quantity.cpu(milli)).milliRoundedUp()).isEqualTo(milli);
        }
    }
}
