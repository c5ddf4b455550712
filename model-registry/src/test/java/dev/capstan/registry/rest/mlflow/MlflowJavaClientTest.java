package dev.capstan.registry.rest.mlflow;

import static dev.capstan.registry.rest.mlflow.MlflowApi.createModel;
import static dev.capstan.registry.rest.mlflow.MlflowApi.createVersion;
import static dev.capstan.registry.rest.mlflow.MlflowApi.post;
import static dev.capstan.registry.rest.mlflow.MlflowApi.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionStatus;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.ModelVersionsPage;

/** MLflow's own Java client (2.17.2) reads the registry as it reads an MLflow tracking server. */
@QuarkusTest
class MlflowJavaClientTest {

    private MlflowClient mlflow;
    private String name;

    @BeforeEach
    void registerAModelWithTwoVersionsAndAnAlias() {
        mlflow = new MlflowClient("http://localhost:" + RestAssured.port);
        name = uniqueName("mlf-client");
        createModel(name, Map.of("team", "risk"));
        createVersion(name, "s3://models/" + name + "/1", "run-1", Map.of());
        createVersion(name, "s3://models/" + name + "/2", "run-2", Map.of("framework", "torch"));
        post("registered-models/alias", Map.of("name", name, "alias", "champion", "version", "1")).statusCode(200);
    }

    @AfterEach
    void close() {
        mlflow.close();
    }

    @Test
    void getRegisteredModel() {
        RegisteredModel m = mlflow.getRegisteredModel(name);
        assertThat(m.getName()).isEqualTo(name);
        assertThat(m.getCreationTimestamp()).isPositive();
        assertThat(m.getUserId()).isEqualTo("mlflow");
        assertThat(m.getLatestVersionsList()).extracting(ModelVersion::getVersion).containsExactly("2");
        assertThat(m.getTagsList()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("team");
            assertThat(t.getValue()).isEqualTo("risk");
        });
        assertThat(m.getAliasesList()).singleElement().satisfies(a -> {
            assertThat(a.getAlias()).isEqualTo("champion");
            assertThat(a.getVersion()).isEqualTo("1");
        });
        assertThatThrownBy(() -> mlflow.getRegisteredModel(name + "-missing"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getBodyMessage()).contains("RESOURCE_DOES_NOT_EXIST");
                });
    }

    @Test
    void getModelVersion() {
        ModelVersion v = mlflow.getModelVersion(name, "2");
        assertThat(v.getName()).isEqualTo(name);
        assertThat(v.getVersion()).isEqualTo("2");
        assertThat(v.getSource()).isEqualTo("s3://models/" + name + "/2");
        assertThat(v.getRunId()).isEqualTo("run-2");
        assertThat(v.getStatus()).isEqualTo(ModelVersionStatus.READY);
        assertThat(v.getCurrentStage()).isEqualTo("None");
        assertThat(v.getTagsList()).extracting(t -> t.getKey() + "=" + t.getValue()).containsExactly(
                "framework=torch");
        assertThat(mlflow.getModelVersion(name, "1").getAliasesList()).containsExactly("champion");
        assertThatThrownBy(() -> mlflow.getModelVersion(name, "latest"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getBodyMessage()).contains("INVALID_PARAMETER_VALUE");
                });
    }

    @Test
    void searchModelVersions() {
        ModelVersionsPage all = mlflow.searchModelVersions("name = '" + name + "'");
        assertThat(all.getItems()).extracting(ModelVersion::getVersion).containsExactly("2", "1");
        assertThat(all.hasNextPage()).isFalse();

        ModelVersionsPage first = mlflow.searchModelVersions("name = '" + name + "'", 1, List.of());
        assertThat(first.getItems()).extracting(ModelVersion::getVersion).containsExactly("2");
        assertThat(first.hasNextPage()).isTrue();
        ModelVersionsPage second = (ModelVersionsPage) first.getNextPage();
        assertThat(second.getItems()).extracting(ModelVersion::getVersion).containsExactly("1");
        assertThat(second.hasNextPage()).isFalse();

        assertThat(mlflow.searchModelVersions("name = '" + name + "' and run_id = 'run-1'").getItems())
                .extracting(ModelVersion::getVersion).containsExactly("1");
    }

    @Test
    void getModelVersionDownloadUri() {
        assertThat(mlflow.getModelVersionDownloadUri(name, "1")).isEqualTo("s3://models/" + name + "/1");
    }

    @Test
    void getLatestVersions() {
        assertThat(mlflow.getLatestVersions(name)).extracting(ModelVersion::getVersion).containsExactly("2");
        assertThat(mlflow.getLatestVersions(name, List.of("None"))).extracting(ModelVersion::getVersion)
                .containsExactly("2");
        assertThat(mlflow.getLatestVersions(name, List.of("Production"))).isEmpty();
    }
}
