package dev.forge.gateway.service;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.forge.api.service.ApiProblem;
import dev.forge.core.scheduling.PeriodicTask;
import dev.forge.gateway.config.WebhookConfig;
import dev.forge.gateway.repository.WebhookDeliveryRepository;
import dev.forge.gateway.repository.WebhookDeliveryRepository.Due;
import dev.forge.gateway.repository.WebhookDeliveryRepository.Outcome;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * Delivers webhooks, on every gateway at once. Planning reads committed events behind the webhook cursor and writes
 * their deliveries ({@link WebhookDeliveryRepository#plan}); sending leases due deliveries and POSTs them: to the
 * address the target check resolved (never a redirect), signed when the subscription has a secret, bounded in time and
 * in the bytes read back. A 2xx ends a delivery; anything else is tried again after a doubling wait (with jitter) until
 * its retry window closes, then it is failed. A gateway that dies mid-attempt leaves the delivery leased; when the
 * lease ends any gateway tries again (at least once: receivers key on {@code Forge-Delivery}).
 */
@Singleton
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    /** Events one planning statement reads; a full batch plans again at once. */
    private static final int PLAN_BATCH = 1000;
    private static final int RESPONSE_EXCERPT = 1000;

    private final WebhookDeliveryRepository deliveries;
    private final WebhookTargets targets;
    private final WebhookService webhooks;
    private final WebhookConfig config;
    private final Vertx vertx;
    private final HttpClient client;
    private final AtomicInteger inFlight = new AtomicInteger();
    private PeriodicTask planning;
    private PeriodicTask sending;

    public WebhookDispatcher(WebhookDeliveryRepository deliveries, WebhookTargets targets, WebhookService webhooks,
            WebhookConfig config, Vertx vertx) {
        this.deliveries = deliveries;
        this.targets = targets;
        this.webhooks = webhooks;
        this.config = config;
        this.vertx = vertx;
        int timeout = (int) config.timeout().toMillis();
        // the attempt's own timer ends a slow answer; the idle timeout, a little later, only frees the connection
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(config.concurrency())
                .setConnectTimeout(timeout).setIdleTimeout(timeout + 1000).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setForceSni(true).setVerifyHost(true).setKeepAlive(true));
    }

    void start(@Observes StartupEvent event) {
        planning = PeriodicTask.every(vertx, config.pollInterval(), "webhook planning", this::planOnce);
        sending = PeriodicTask.every(vertx, config.pollInterval(), "webhook sending", this::sendDue);
    }

    void stop(@Observes ShutdownEvent event) {
        if (planning != null) {
            planning.cancel();
        }
        if (sending != null) {
            sending.cancel();
        }
        client.closeAndForget();
    }

    /** Plans deliveries for every committed event not planned yet; the item is how many were planned. */
    public Uni<Long> planOnce() {
        return deliveries.plan(PLAN_BATCH, config.retryFor()).flatMap(round -> round.events() < PLAN_BATCH
                ? Uni.createFrom().item(round.deliveries())
                : planOnce().map(more -> more + round.deliveries()));
    }

    /**
     * Leases due deliveries up to the free concurrency and starts their attempts; the item is how many were leased
     * (the attempts go on after it: one slow receiver does not hold the next round).
     */
    public Uni<Integer> sendDue() {
        int free = config.concurrency() - inFlight.get();
        if (free <= 0) {
            return Uni.createFrom().item(0);
        }
        return deliveries.claim(free, lease()).invoke(due -> due.forEach(d -> {
            inFlight.incrementAndGet();
            attempt(d).flatMap(outcome -> deliveries.record(d, outcome))
                    .onTermination().invoke(inFlight::decrementAndGet)
                    .subscribe().with(x -> { }, e -> LOG.warnf("Webhook delivery %s: could not record attempt %d "
                            + "(it is tried again when its lease ends): %s", d.id(), d.attempt(), e.getMessage()));
        })).map(List::size);
    }

    /** Attempts in flight on this gateway (for tests and the health of the queue). */
    public int inFlight() {
        return inFlight.get();
    }

    /** A lease outlasts an attempt's own bounds (the lookup and the request each within the timeout). */
    private Duration lease() {
        return config.timeout().multipliedBy(2).plusSeconds(5);
    }

    private Uni<Outcome> attempt(Due d) {
        var started = OffsetDateTime.now(ZoneOffset.UTC);
        long start = System.nanoTime();
        return targets.check("url", d.url()).flatMap(target -> {
            boolean https = target.url().getScheme().equalsIgnoreCase("https");
            String path = target.url().getRawPath() == null || target.url().getRawPath().isEmpty() ? "/"
                    : target.url().getRawPath();
            var options = new RequestOptions().setMethod(HttpMethod.POST)
                    .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                    .setHost(target.url().getHost()).setPort(target.port()).setSsl(https)
                    .setURI(target.url().getRawQuery() == null ? path : path + "?" + target.url().getRawQuery())
                    .setFollowRedirects(false).setConnectTimeout(config.timeout().toMillis())
                    .putHeader("Content-Type", "application/json").putHeader("User-Agent", "Forge-Webhooks/1")
                    .putHeader("Forge-Delivery", d.id().toString()).putHeader("Forge-Event", d.eventType())
                    .putHeader("Forge-Attempt", Integer.toString(d.attempt()));
            if (d.sealedSecret() != null) {
                String secret = webhooks.openSecret(d.signer(), d.sealedSecret());
                options.putHeader(WebhookSignature.HEADER, WebhookSignature.header(secret,
                        Instant.now().getEpochSecond(), d.body()));
            }
            return client.request(options).flatMap(request -> request.send(Buffer.buffer(d.body()))
                    .flatMap(response -> readBounded(request, response)
                            .map(text -> new Answer(response.statusCode(), response.getHeader("Location"), text))));
        }).ifNoItem().after(config.timeout()).failWith(() -> new TimeoutException("no answer within "
                + config.timeout().toMillis() + " ms"))
                .map(answer -> outcome(d, started, start, answer.status(), answer.error(), answer.body()))
                .onFailure().recoverWithItem(e -> outcome(d, started, start, null, reason(e), null));
    }

    private record Answer(int status, String location, String body) {
        String error() {
            if (status >= 200 && status < 300) {
                return null;
            }
            if (status >= 300 && status < 400) {
                return "HTTP " + status + ": redirect" + (location == null ? "" : " to " + location)
                        + " not followed";
            }
            return "HTTP " + status;
        }
    }

    /** The answer's first bytes as text; past the bound the connection is dropped (nothing more is read). */
    private Uni<String> readBounded(HttpClientRequest request, HttpClientResponse response) {
        int max = config.maxResponseBytes();
        var read = Buffer.buffer();
        return response.toMulti().onItem().invoke(chunk -> {
            if (read.length() + chunk.length() > max) {
                read.appendBuffer(chunk.slice(0, Math.max(0, max - read.length())));
                throw new TooLong();
            }
            read.appendBuffer(chunk);
        }).collect().last().replaceWith(() -> excerpt(read))
                .onFailure(TooLong.class).recoverWithItem(() -> {
                    request.reset();
                    return excerpt(read) + " […cut at " + max + " bytes]";
                });
    }

    private static final class TooLong extends RuntimeException {
        TooLong() {
            super(null, null, false, false);
        }
    }

    private static String excerpt(Buffer read) {
        String text = read.toString();
        return text.length() <= RESPONSE_EXCERPT ? text : text.substring(0, RESPONSE_EXCERPT) + "…";
    }

    private static String reason(Throwable e) {
        if (e instanceof ApiProblem p) {
            return "refused: " + p.getMessage();
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private Outcome outcome(Due d, OffsetDateTime started, long startNanos, Integer status, String error,
            String body) {
        int millis = (int) Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        var now = OffsetDateTime.now(ZoneOffset.UTC);
        if (error == null) {
            return new Outcome("succeeded", now, status, null, started, millis, body);
        }
        var next = now.plus(backoff(d.attempt()));
        String state = next.isAfter(d.giveUpAt()) ? "failed" : "pending";
        return new Outcome(state, next, status, error, started, millis, body);
    }

    /** The wait after the n-th failed attempt: initial × 2^(n-1), capped, ±10% so retries of many spread out. */
    Duration backoff(int attempt) {
        long initial = config.initialBackoff().toMillis();
        long capped = Math.min(config.maxBackoff().toMillis(), initial << Math.min(attempt - 1, 30));
        double jitter = 0.9 + ThreadLocalRandom.current().nextDouble() * 0.2;
        return Duration.ofMillis((long) (capped * jitter));
    }
}
