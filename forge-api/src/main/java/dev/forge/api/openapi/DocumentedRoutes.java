package dev.forge.api.openapi;

import java.util.List;

/** A bean serving Vert.x routes lists them here so that {@link ForgeOpenApiFilter} documents them. */
public interface DocumentedRoutes {

    List<RouteDoc> documentedRoutes();
}
