package dev.forge.api.openapi;

import java.util.List;
import java.util.Set;

import dev.forge.core.auth.Role;

/**
 * A Vert.x route described for the API document, which SmallRye cannot scan. The route admits exactly
 * {@link #roles()}: its handler passes them to the authenticator, so the document and the check share one value.
 *
 * @param requestSchema a component schema name for a JSON body, or null
 * @param requestMedia the body's media type, or null without a body
 * @param responseMedia what a success answers with, e.g. {@code text/event-stream}
 */
public record RouteDoc(String method, String path, Set<Role> roles, String tag, String operationId, String summary,
        String requestMedia, String requestSchema, int successStatus, String responseMedia, String responseSchema,
        List<Param> params) {

    /** A query or header parameter of a route (path parameters come from the template). */
    public record Param(String name, String in, String description) {
    }

    public Role[] admitted() {
        return roles.toArray(Role[]::new);
    }

    /** "get /v1/runs/{id}/stream": the key the document and the tests use. */
    public String key() {
        return method.toLowerCase() + " " + path;
    }
}
