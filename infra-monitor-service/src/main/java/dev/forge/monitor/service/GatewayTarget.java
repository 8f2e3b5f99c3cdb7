package dev.forge.monitor.service;

import java.util.Optional;

/**
 * A gateway this service watches. {@code source} says where it was configured: {@code env}, {@code file} (which
 * file in {@code origin}) or {@code api} (stored in PostgreSQL); only the last can be changed over REST.
 */
public record GatewayTarget(String id, String name, String url, Optional<String> datacenter, String source,
        String origin, Optional<String> token) {

    public boolean editable() {
        return "api".equals(source);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "GatewayTarget[" + id + " " + url + " from " + source + "]";
    }
}
