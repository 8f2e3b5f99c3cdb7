package dev.forge.monitor.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.core.json.JsonValues;
import dev.forge.monitor.config.MonitorConfig;

/** Who the key belongs to, so the dashboard shows the views the role may use. Never the key itself. */
@Tag(name = "me")
@Path("/v1/me")
@Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
public class MeResource {

    private final CallerContext caller;
    private final String busGateway;

    public MeResource(CallerContext caller, MonitorConfig config) {
        this.caller = caller;
        this.busGateway = config.busGateway();
    }

    @Operation(operationId = "whoAmI", summary = "The caller: key, role and workspace")
    @GET
    public ObjectNode me() {
        var c = caller.caller();
        var out = JsonValues.MAPPER.createObjectNode();
        out.put("role", c.role().wireName());
        out.put("workspace_id", c.workspace());
        out.put("key_prefix", c.keyPrefix());
        // the gateway whose API keys the monitor shares: where a role without the gateway list explores runs
        out.put("default_gateway", busGateway);
        return out;
    }
}
