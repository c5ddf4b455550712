package dev.capstan.localstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.events.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a user reads when the registry refuses, and what a malformed command line says, without a registry: the
 * answers below are the registry's problem+json bodies as it sends them (the e2e test covers the live answers).
 */
class ModelCommandsTest {

    record Refusal(String name, int status, String body, String wantMessage) {
    }

    @Test
    void refusalsReadAsOneMessageWithTheFieldsAndWhatToDo() throws Exception {
        List<Refusal> table = List.of(
                new Refusal("unknown version", 404,
                        "{\"title\":\"Not found\",\"status\":404,\"detail\":\"version 9 of registered model 'm' does"
                                + " not exist\"}",
                        "capstan: not found (404 Not found): version 9 of registered model 'm' does not exist"),
                new Refusal("rollback refused", 409,
                        "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"cannot roll back 'm@production': the alias"
                                + " has never been set\"}",
                        "capstan: refused (409 Conflict): cannot roll back 'm@production': the alias has never been"
                                + " set"),
                new Refusal("moved meanwhile", 412,
                        "{\"title\":\"Precondition failed\",\"status\":412,\"detail\":\"alias 'm@production' is at"
                                + " revision \\\"4\\\", not \\\"3\\\": someone moved it since you read it\"}",
                        "capstan: the alias moved while this command ran (412 Precondition failed): alias"
                                + " 'm@production' is at revision \"4\", not \"3\": someone moved it since you read it\n"
                                + "  someone else moved it after this command read it; look at ./capstan models history"
                                + " and try again"),
                new Refusal("invalid fields, one per line", 422,
                        "{\"title\":\"Invalid request\",\"status\":422,\"detail\":\"alias must be a DNS label; reason"
                                + " at most 1000 printable characters\",\"errors\":[{\"field\":\"alias\",\"message\":"
                                + "\"must be a DNS label\"},{\"field\":\"reason\",\"message\":\"at most 1000 printable"
                                + " characters\"}]}",
                        "capstan: invalid request (422 Invalid request)\n  alias: must be a DNS label\n"
                                + "  reason: at most 1000 printable characters"),
                new Refusal("not a problem document", 502, "Bad Gateway",
                        "capstan: the model registry answered HTTP 502: Bad Gateway"));
        for (Refusal r : table) {
            JsonNode body = r.body().startsWith("{") ? EventCodec.mapper().readTree(r.body()) : null;
            assertThat(ModelCommands.problem(r.status(), body, r.body())).as(r.name()).isEqualTo(r.wantMessage());
        }
    }

    record CommandLine(List<String> args, String wantError) {
    }

    @Test
    void aMalformedCommandLineExitsWithStatusTwoAndSaysWhatIsWrong() {
        List<CommandLine> table = List.of(
                new CommandLine(List.of("promote", "m", "production", "latest"), "'latest' is not a version number"),
                new CommandLine(List.of("promote", "m", "production", "0"), "'0' is not a version number"),
                new CommandLine(List.of("promote", "m", "production"), "missing arguments"),
                new CommandLine(List.of("rollback", "m", "production", "--to"), "--to needs a value"),
                new CommandLine(List.of("rollback", "m", "production", "--force", "yes"), "unknown option --force"),
                new CommandLine(List.of("models", "describe"), "missing arguments"),
                new CommandLine(List.of("models", "history", "m", "production", "extra"), "too many arguments: extra"),
                new CommandLine(List.of("models", "delete", "m"), "unknown models command 'delete'"));
        for (CommandLine c : table) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            // Nothing listens on port 9: a command that got as far as the network would fail with status 1.
            int status = new ModelCommands("http://127.0.0.1:9", "tester", new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(c.args());
            String printed = err.toString(StandardCharsets.UTF_8);
            assertThat(status).as(String.join(" ", c.args())).isEqualTo(2);
            assertThat(printed).as(String.join(" ", c.args())).startsWith("capstan: " + c.wantError())
                    .contains("usage: ./capstan models");
        }
    }
}
