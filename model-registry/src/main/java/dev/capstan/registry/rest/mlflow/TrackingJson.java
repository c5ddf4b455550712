package dev.capstan.registry.rest.mlflow;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.lang.reflect.Type;
import java.util.function.BiFunction;

/**
 * How the tracking API reads request bodies: as MLflow's server reads them, which is not quite as Capstan's API does.
 * <ul>
 * <li>Numbers may come as JSON strings ({@code "1700000000000"}): protobuf's JSON, which MLflow's clients send,
 * writes 64-bit integers so, and NaN and the infinities as {@code "NaN"}, {@code "Infinity"}.</li>
 * <li>Bare {@code NaN}, {@code Infinity} and {@code -Infinity} are read too: Python's JSON writes them, and MLflow's
 * server accepts them.</li>
 * <li>A number or a boolean where text belongs, a fraction where a whole number belongs, and a boolean where a number
 * belongs are refused (INVALID_PARAMETER_VALUE naming the field), as MLflow refuses them, where Jackson would coerce
 * them.</li>
 * </ul>
 * Used through {@code @CustomDeserialization} on each tracking endpoint that takes a body.
 */
public class TrackingJson implements BiFunction<ObjectMapper, Type, ObjectReader> {

    private static volatile ObjectMapper strict;

    @Override
    public ObjectReader apply(ObjectMapper mapper, Type type) {
        ObjectMapper m = strict;
        if (m == null) {
            m = configure(mapper.copy());
            strict = m; // a race makes two equal copies: harmless
        }
        return m.readerFor(m.constructType(type));
    }

    static ObjectMapper configure(ObjectMapper m) {
        m.enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer,
                CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }
}
