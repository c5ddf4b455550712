package dev.capstan.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Page tokens resume where the last page ended, and a token this server did not write is refused. */
class PageTokenTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 100, 1_000, 199_999, Long.MAX_VALUE / 10})
    void resumesAtTheOffsetItCarries(long offset) {
        String token = PageToken.encode(offset);
        assertThat(token).isNotEqualTo(String.valueOf(offset)).matches("[A-Za-z0-9_-]+");
        assertThat(PageToken.decode(token)).isEqualTo(offset);
    }

    @Test
    void anEmptyOrAbsentTokenIsTheFirstPage() {
        assertThat(PageToken.decode("")).isZero();
        assertThat(PageToken.decode(null)).isZero();
    }

    record Bad(String name, String token) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> bad() {
        return Stream.of(
                new Bad("not base64", "%%%"),
                new Bad("a bare number", "100"),
                new Bad("someone else's token", b64("offset=100")),
                new Bad("negative offset", b64("capstan-offset:-1")),
                new Bad("not a number", b64("capstan-offset:ten")),
                new Bad("too long a number", b64("capstan-offset:9999999999999999999")));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void refusesTokensItDidNotIssue(Bad c) {
        assertThatThrownBy(() -> PageToken.decode(c.token())).as(c.name())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page_token");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }
}
