package dev.forge.monitor.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** What a gateway id and URL must look like, wherever the gateway is configured. */
public final class GatewayRules {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private GatewayRules() {
    }

    /** Why the id is refused, if it is. */
    public static Optional<String> idProblem(String id) {
        return id != null && ID.matcher(id).matches() ? Optional.empty()
                : Optional.of("gateway id must be 1-63 lowercase letters, digits or '-', starting with a letter or "
                        + "digit");
    }

    /** Why the URL is refused, if it is: http(s), a host, no credentials, query or fragment. */
    public static Optional<String> urlProblem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("url is required");
        }
        try {
            var uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return Optional.of("url must be http:// or https://");
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                return Optional.of("url must name a host");
            }
            if (uri.getRawUserInfo() != null) {
                return Optional.of("url must not carry credentials (use the token)");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.of("url must not have a query or fragment");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("url is not a valid URI");
        }
    }

    /** The URL without trailing slashes, so paths can be appended. */
    public static String normalize(String url) {
        String trimmed = url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    /** The environment-variable form of an id: {@code eu-west} → {@code EU_WEST}. */
    public static String envName(String id) {
        return id.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
