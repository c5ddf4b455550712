package dev.capstan.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of the MLflow-compatible API, under {@code capstan.registry.mlflow}. */
@ConfigMapping(prefix = "capstan.registry.mlflow")
public interface MlflowConfig {

    /**
     * {@code capstan.registry.mlflow.history-answer-max}: the most points of one metric's history in one
     * {@code metrics/get-history} answer; a longer history continues behind {@code next_page_token}. MLflow 2.x's
     * server answers every point at once (its clients send {@code max_results=25000}, which it ignores, and MLflow's
     * Java client 2.17.2 cannot follow a page token), so the bound is high: it only keeps one answer's memory bounded
     * (about 8 MB of JSON). Default 100000.
     */
    @WithDefault("100000")
    int historyAnswerMax();
}
