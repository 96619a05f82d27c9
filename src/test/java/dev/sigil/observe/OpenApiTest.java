package dev.sigil.observe;

import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against the routes Javalin actually serves: a route without a spec entry, or a spec entry
 * without a route, fails the build. Runs in dev mode so the dev-only routes are registered too.
 */
class OpenApiTest {
    private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "patch", "head", "trace");
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(MutableClock.startingNow(), c -> c.devMode(true));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode document() {
        Http.Response response = server.http().get(OpenApiRoutes.PATH);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type").orElseThrow()).startsWith("application/json");
        return response.json();
    }

    @Test
    void documentIsOpenApi31ServedWithoutAuth() {
        JsonNode doc = document();
        assertThat(doc.get("openapi").asString()).startsWith("3.1.");
        assertThat(doc.get("info").get("title").asString()).isEqualTo("Sigil");
        JsonNode schemes = doc.get("components").get("securitySchemes");
        assertThat(schemes.get("sdkBearer").get("scheme").asString()).isEqualTo("bearer");
        assertThat(schemes.get("adminBearer").get("scheme").asString()).isEqualTo("bearer");
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
        Set<String> registered = new TreeSet<>();
        for (String route : server.app().routes()) {
            if (!route.startsWith("OPTIONS ")) {
                registered.add(route);
            }
        }
        Set<String> documented = new TreeSet<>();
        document().get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (OPERATIONS.contains(op.getKey())) {
                documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        Set<String> undocumented = new TreeSet<>(registered);
        undocumented.removeAll(documented);
        Set<String> unserved = new TreeSet<>(documented);
        unserved.removeAll(registered);
        assertThat(undocumented)
                .as("routes registered in Javalin but missing from src/main/resources/openapi.json (add a path item "
                        + "with parameters, request body, responses and security for each):%n  %s",
                        String.join("\n  ", undocumented))
                .isEmpty();
        assertThat(unserved)
                .as("operations in src/main/resources/openapi.json that no route serves (remove them or fix the path "
                        + "template, which must match Javalin's {param} syntax exactly):%n  %s", String.join("\n  ", unserved))
                .isEmpty();
    }

    @Test
    void everyOperationDocumentsItsPathParametersAndResponses() {
        JsonNode doc = document();
        doc.get("paths").properties().forEach(path -> {
            Set<String> templateParams = new TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
            while (m.find()) {
                templateParams.add(m.group(1));
            }
            path.getValue().properties().forEach(op -> {
                if (!OPERATIONS.contains(op.getKey())) {
                    return;
                }
                Set<String> declared = new TreeSet<>();
                for (JsonNode p : parameters(doc, path.getValue(), op.getValue())) {
                    if (p.get("in").asString().equals("path")) {
                        declared.add(p.get("name").asString());
                    }
                }
                String where = op.getKey() + " " + path.getKey();
                assertThat(declared).as("path parameters of %s", where).isEqualTo(templateParams);
                assertThat(op.getValue().get("responses")).as("responses of %s", where).isNotNull();
                assertThat(op.getValue().get("operationId")).as("operationId of %s", where).isNotNull();
            });
        });
    }

    private static java.util.List<JsonNode> parameters(JsonNode doc, JsonNode pathItem, JsonNode operation) {
        java.util.List<JsonNode> all = new java.util.ArrayList<>();
        for (JsonNode source : new JsonNode[]{pathItem.get("parameters"), operation.get("parameters")}) {
            if (source != null) {
                source.forEach(p -> all.add(resolve(doc, p)));
            }
        }
        return all;
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        JsonNode ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        JsonNode target = doc;
        for (String part : ref.asString().substring(2).split("/")) {
            target = target.get(part);
        }
        return target;
    }
}
