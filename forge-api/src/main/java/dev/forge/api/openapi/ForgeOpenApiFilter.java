package dev.forge.api.openapi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.Any;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import dev.forge.core.auth.Role;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Completes the document SmallRye generates from the resources with what the code knows and annotations cannot say
 * once: the roles each operation admits ({@code x-forge-roles}, from {@code @Allow} or a {@link RouteDoc}), the key
 * it needs, its problem+json errors (401/403 behind a key, 404 on a path with parameters, 400/413/415/422 with a
 * body), and the Vert.x routes SmallRye cannot scan. Runs once at start-up: the resource beans are known only then.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class ForgeOpenApiFilter implements OASFilter {

    public static final String ROLES = "x-forge-roles";
    static final String KEY_SCHEME = "apiKey";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    /** Responses every service shares, by component name, with their status. */
    private static final Map<String, String> ERRORS = Map.of(
            "MalformedJson", "The body is not valid JSON, or has trailing data (type …/malformed-json)",
            "Unauthorized", "No key, or not a live key (type …/unauthorized)",
            "Forbidden", "The key's role is not admitted (type …/forbidden)",
            "NotFound", "No such resource in the caller's workspace (type …/not-found)",
            "Conflict", "The resource's state forbids it; the type names why (e.g. …/run-finished, …/session-busy)",
            "PayloadTooLarge", "The body is larger than the service accepts (type …/payload-too-large)",
            "UnsupportedMediaType", "The body's media type is not accepted (type …/unsupported-media-type)",
            "ValidationFailed", "The request is not valid; every problem is listed in errors (type …/validation-failed)",
            "StorageUnavailable", "A store this operation needs could not be reached; retry later");

    @Override
    public void filterOpenAPI(OpenAPI api) {
        if (api.getPaths() == null) {
            api.setPaths(OASFactory.createPaths());
        }
        addComponents(api);
        var roles = new HashMap<String, Set<Role>>();
        Endpoints.served().values().forEach(e -> {
            if (e.guarded()) {
                roles.put(e.key(), e.roles());
            }
        });
        for (RouteDoc route : documentedRoutes()) {
            addRoute(api, route);
            roles.put(route.key(), route.roles());
        }
        api.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, op) -> {
            Set<Role> admitted = roles.get(method.name().toLowerCase() + " " + path);
            if (admitted != null) {
                op.addExtension(ROLES, Role.wireNames(admitted));
                op.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(KEY_SCHEME)));
                addError(op, "401", "Unauthorized");
                addError(op, "403", "Forbidden");
            }
            if (path.contains("{")) {
                addError(op, "404", "NotFound");
            }
            if (op.getRequestBody() != null) {
                addError(op, "400", "MalformedJson");
                addError(op, "413", "PayloadTooLarge");
                addError(op, "415", "UnsupportedMediaType");
                addError(op, "422", "ValidationFailed");
            }
        }));
    }

    private static List<RouteDoc> documentedRoutes() {
        var out = new ArrayList<RouteDoc>();
        Arc.container().select(DocumentedRoutes.class, Any.Literal.INSTANCE)
                .forEach(bean -> out.addAll(bean.documentedRoutes()));
        return out;
    }

    /** Adds the error unless the operation documents that status itself (with content) already. */
    private static void addError(Operation op, String status, String component) {
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        APIResponse existing = op.getResponses().getAPIResponse(status);
        if (existing == null || (existing.getRef() == null && existing.getContent() == null)) {
            op.getResponses().addAPIResponse(status, OASFactory.createAPIResponse().ref(component));
        }
    }

    private static void addComponents(OpenAPI api) {
        Components components = api.getComponents() != null ? api.getComponents() : OASFactory.createComponents();
        api.setComponents(components);
        components.addSecurityScheme(KEY_SCHEME, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").description("An API key (fk_…) made by an admin, or the bootstrap admin key"));
        components.addSchema("Problem", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details").required(List.of("type", "title", "status"))
                .addProperty("type", string().examples(List.of("https://forge.dev/problems/validation-failed")))
                .addProperty("title", string())
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", string())
                .addProperty("instance", string())
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(string())
                        .description("Every problem found, when there are several")));
        ERRORS.forEach((name, description) -> components.addResponse(name, OASFactory.createAPIResponse()
                .description(description).content(OASFactory.createContent().addMediaType(PROBLEM_JSON,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem"))))));
    }

    private static void addRoute(OpenAPI api, RouteDoc route) {
        PathItem item = api.getPaths().getPathItem(route.path());
        if (item == null) {
            item = OASFactory.createPathItem();
            api.getPaths().addPathItem(route.path(), item);
        }
        Operation op = OASFactory.createOperation().operationId(route.operationId()).summary(route.summary())
                .tags(List.of(route.tag())).responses(OASFactory.createAPIResponses());
        var matcher = PATH_PARAM.matcher(route.path());
        while (matcher.find()) {
            op.addParameter(OASFactory.createParameter().name(matcher.group(1)).in(Parameter.In.PATH).required(true)
                    .schema(string()));
        }
        for (RouteDoc.Param p : route.params()) {
            op.addParameter(OASFactory.createParameter().name(p.name()).description(p.description())
                    .in(Parameter.In.valueOf(p.in().toUpperCase())).schema(string()));
        }
        if (route.requestMedia() != null) {
            op.requestBody(OASFactory.createRequestBody().required(true)
                    .content(content(route.requestMedia(), route.requestSchema())));
        }
        op.getResponses().addAPIResponse(String.valueOf(route.successStatus()), OASFactory.createAPIResponse()
                .description(route.summary()).content(content(route.responseMedia(), route.responseSchema())));
        item.setOperation(PathItem.HttpMethod.valueOf(route.method().toUpperCase()), op);
    }

    private static Content content(String media, String schemaRef) {
        Schema schema = schemaRef != null ? OASFactory.createSchema().ref(schemaRef)
                : media.startsWith("application/json") ? OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                        : string().format("binary");
        return OASFactory.createContent().addMediaType(media, OASFactory.createMediaType().schema(schema));
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    }
}
