package dev.forge.input.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.forge.input.InputRefused;

/**
 * Refuses query parameters no filter could mean, before any resource reads them: the NUL character (PostgreSQL
 * cannot compare text with it: 22P05, a 500 before), an undecodable percent-escape, and values over
 * {@value #MAX_LENGTH} characters. Every problem is named, as 422 problem+json.
 */
public class QueryParamFilter {

    static final int MAX_LENGTH = 4096;

    @ServerRequestFilter(preMatching = true)
    public void check(ContainerRequestContext request) {
        var problems = new ArrayList<String>();
        for (Map.Entry<String, List<String>> param : request.getUriInfo().getQueryParameters().entrySet()) {
            String name = printable(param.getKey());
            for (String value : param.getValue()) {
                if (value.indexOf('\0') >= 0 || param.getKey().indexOf('\0') >= 0) {
                    problems.add("query parameter '" + name + "' must not contain the NUL character");
                } else if (value.indexOf('\uFFFD') >= 0 && !request.getUriInfo().getRequestUri().getRawQuery()
                        .contains("%EF%BF%BD")) {
                    problems.add("query parameter '" + name + "' is not valid percent-encoded UTF-8");
                } else if (value.length() > MAX_LENGTH) {
                    problems.add("query parameter '" + name + "' must be at most " + MAX_LENGTH + " characters");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw InputRefused.invalid(problems.size() == 1 ? problems.get(0) : problems.size()
                    + " problems in the query", problems);
        }
    }

    private static String printable(String name) {
        var out = new StringBuilder();
        name.codePoints().limit(64).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
