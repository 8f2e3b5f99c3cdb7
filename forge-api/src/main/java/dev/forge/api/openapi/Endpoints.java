package dev.forge.api.openapi;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.enterprise.inject.Any;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import io.quarkus.arc.Arc;

/**
 * The JAX-RS endpoints a running service serves, read from its resource beans, with the roles each admits
 * ({@link Allow} on the method, else on the class; none admits nobody).
 */
public final class Endpoints {

    /** One endpoint: "get /v1/runs/{id}" and its admitted roles (empty when the endpoint is not behind a key). */
    public record Endpoint(String key, Set<Role> roles, boolean guarded) {
    }

    private Endpoints() {
    }

    /** Every JAX-RS endpoint of the resource beans in this application, by key. */
    public static Map<String, Endpoint> served() {
        var out = new TreeMap<String, Endpoint>();
        for (Class<?> resource : resourceClasses()) {
            of(resource).forEach(e -> out.put(e.key(), e));
        }
        return out;
    }

    static Set<Class<?>> resourceClasses() {
        var classes = new LinkedHashSet<Class<?>>();
        Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE).forEach(bean -> {
            Class<?> type = bean.getBeanClass();
            if (type.isAnnotationPresent(Path.class)) {
                classes.add(type);
            }
        });
        return classes;
    }

    static Set<Endpoint> of(Class<?> resource) {
        String base = template(resource.getAnnotation(Path.class).value());
        var out = new LinkedHashSet<Endpoint>();
        for (Method m : resource.getDeclaredMethods()) {
            String verb = verb(m);
            if (verb == null) {
                continue;
            }
            String path = m.isAnnotationPresent(Path.class) ? join(base, template(m.getAnnotation(Path.class).value()))
                    : base;
            Allow allow = m.isAnnotationPresent(Allow.class) ? m.getAnnotation(Allow.class)
                    : resource.getAnnotation(Allow.class);
            Set<Role> roles = allow == null ? Set.of() : Arrays.stream(allow.value()).collect(Collectors.toSet());
            out.add(new Endpoint(verb + " " + path, roles, allow != null));
        }
        return out;
    }

    private static String verb(Method m) {
        return m.isAnnotationPresent(GET.class) ? "get" : m.isAnnotationPresent(POST.class) ? "post"
                : m.isAnnotationPresent(PUT.class) ? "put" : m.isAnnotationPresent(PATCH.class) ? "patch"
                        : m.isAnnotationPresent(DELETE.class) ? "delete" : m.isAnnotationPresent(HEAD.class) ? "head"
                                : null;
    }

    /** "/{path: .+}" → "/{path}", with one leading slash and none trailing, as the document writes paths. */
    static String template(String raw) {
        String p = raw.replaceAll("\\{\\s*([A-Za-z0-9_]+)\\s*:[^}]*}", "{$1}");
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String join(String base, String sub) {
        return "/".equals(base) ? sub : "/".equals(sub) ? base : base + sub;
    }
}
