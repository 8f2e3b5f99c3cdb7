package dev.forge.gateway.service;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.api.service.ApiProblem;
import dev.forge.gateway.config.WebhookConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Where a webhook may be sent: http(s) only, no credentials in the URL, and no private, loopback, link-local or other
 * internal address unless {@code forge.webhooks.allowed-networks} admits it — a workspace must not be able to make the
 * gateway call into its own cluster (a cloud metadata endpoint, a database port). A URL is checked when it is given
 * (the run's {@code webhook}, a subscription) and its host resolved again before every attempt, which then connects
 * to the very address that was checked (a name re-pointed at an internal address meanwhile is refused, not followed).
 */
@ApplicationScoped
public class WebhookTargets {

    static final int MAX_URL = 2048;

    /** A checked target: the URL, and the address the request goes to. */
    public record Target(URI url, InetAddress address, int port) {
    }

    private final List<Network> allowed;
    private final Vertx vertx;

    public WebhookTargets(WebhookConfig config, Vertx vertx) {
        this.vertx = vertx;
        this.allowed = config.allowedNetworks().orElse(List.of()).stream().map(Network::parse).toList();
    }

    /** What is wrong with the URL's form ({@code field} names it), without resolving it; empty when nothing. */
    public static List<String> formProblems(String field, String url) {
        var problems = new ArrayList<String>();
        if (url == null || url.isBlank()) {
            problems.add("'" + field + "' must be an http(s) URL");
            return problems;
        }
        if (url.length() > MAX_URL) {
            problems.add("'" + field + "' is longer than " + MAX_URL + " characters");
            return problems;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            problems.add("'" + field + "' is not a URL: " + e.getReason());
            return problems;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            problems.add("'" + field + "' must use http or https, not '" + scheme + "'");
        }
        if (uri.getRawUserInfo() != null) {
            problems.add("'" + field + "' must not carry credentials (user:password@); receivers check the "
                    + "Forge-Signature instead");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            problems.add("'" + field + "' has no host");
        }
        if (uri.getRawFragment() != null) {
            problems.add("'" + field + "' must not have a fragment (#…)");
        }
        return problems;
    }

    /**
     * The URL checked in full: its form, then every address its host resolves to (a name with one internal address
     * among public ones is refused). Fails with 422 naming the rule; the DNS lookup runs on a worker thread.
     */
    public Uni<Target> check(String field, String url) {
        var problems = formProblems(field, url);
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(ApiProblem.invalid(problems.get(0), problems));
        }
        URI uri = URI.create(url);
        String host = uri.getHost();
        return vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(bare(host)), false)
                .onFailure(UnknownHostException.class).transform(e -> ApiProblem.invalid("'" + field + "': host '"
                        + host + "' does not resolve"))
                .map(addresses -> {
                    for (InetAddress address : addresses) {
                        var why = refusal(address);
                        if (why.isPresent()) {
                            throw ApiProblem.invalid("'" + field + "': " + host + " is " + why.get() + " ("
                                    + address.getHostAddress() + "); only public addresses are reached unless "
                                    + "forge.webhooks.allowed-networks admits it");
                        }
                    }
                    int port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
                    return new Target(uri, addresses[0], port);
                });
    }

    /** Why the address is not reachable by webhooks, or empty when it is. */
    Optional<String> refusal(InetAddress address) {
        String kind = internalKind(address);
        if (kind == null || allowed.stream().anyMatch(n -> n.contains(address))) {
            return Optional.empty();
        }
        return Optional.of(kind);
    }

    /** What kind of internal address this is; null for a public one. */
    static String internalKind(InetAddress address) {
        if (address instanceof Inet6Address v6 && isV4Mapped(v6.getAddress())) {
            try {
                return internalKind(InetAddress.getByAddress(Arrays.copyOfRange(v6.getAddress(), 12, 16)));
            } catch (UnknownHostException e) {
                return "an unreadable address";
            }
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 192 && second == 0
                    && (b[2] & 0xff) == 0) || (first == 198 && (second == 18 || second == 19)) || first >= 240) {
                return "a reserved address";
            }
        } else if ((b[0] & 0xfe) == 0xfc) {
            return "a private address";
        }
        return null;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    /** A host as InetAddress reads it (an IPv6 literal without its brackets). */
    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** A CIDR block (or one address) of {@code allowed-networks}. */
    record Network(byte[] base, int prefix) {

        static Network parse(String cidr) {
            String text = cidr.trim();
            int slash = text.indexOf('/');
            try {
                byte[] base = InetAddress.getByName(slash < 0 ? text : text.substring(0, slash)).getAddress();
                int prefix = slash < 0 ? base.length * 8 : Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > base.length * 8) {
                    throw new IllegalArgumentException("prefix out of range");
                }
                return new Network(base, prefix);
            } catch (UnknownHostException | IllegalArgumentException e) {
                throw new IllegalArgumentException("forge.webhooks.allowed-networks: '" + cidr
                        + "' is not an address or CIDR block (" + e.getMessage() + ")", e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != base.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != base[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (a[full] & mask) == (base[full] & mask);
        }
    }
}
