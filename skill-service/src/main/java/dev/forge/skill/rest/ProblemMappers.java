package dev.forge.skill.rest;

import java.util.LinkedHashMap;
import java.util.List;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.forge.input.InputRefused;
import dev.forge.skill.SkillException;

/** Every error as {@code application/problem+json} (RFC 9457); never a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response skill(SkillException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> problem(404, "not-found", "Not found", e.getMessage(), null);
            case DISABLED -> problem(409, "skill-disabled", "Skill disabled", e.getMessage(), null);
            case INVALID -> problem(422, "invalid-request", "Invalid request", e.getMessage(), e.errors());
        };
    }

    /** Input the shared rules refuse (forge-input): malformed JSON, NULs, bad parameters. */
    @ServerExceptionMapper
    public Response refused(InputRefused e) {
        return problem(e.status(), e.type(), e.title(), e.getMessage(), e.errors());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof InputRefused refused) {
            return refused(refused);
        }
        int status = e.getResponse().getStatus();
        String detail = status == 400 ? "the body is not valid JSON" : e.getResponse().getStatusInfo()
                .getReasonPhrase();
        return problem(status, status == 404 ? "not-found" : "http-" + status,
                e.getResponse().getStatusInfo().getReasonPhrase(), detail, null);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.errorf(e, "unexpected error");
        return problem(500, "internal-error", "Internal error", "the request failed; see the service log", null);
    }

    private static Response problem(int status, String type, String title, String detail,
            List<String> errors) {
        var body = new LinkedHashMap<String, Object>();
        body.put("type", "https://forge.dev/problems/" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (errors != null && !errors.isEmpty()) {
            body.put("errors", errors);
        }
        return Response.status(status).type("application/problem+json").entity(body).build();
    }
}
