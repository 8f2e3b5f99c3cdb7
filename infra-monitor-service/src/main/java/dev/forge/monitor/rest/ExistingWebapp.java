package dev.forge.monitor.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks an endpoint whose {@code {slug}} must name a webapp before the endpoint runs. For server-sent event streams,
 * whose 200 and headers Quarkus REST writes before the stream's first item, this is the only place a 404 can still be
 * answered.
 */
@NameBinding
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
public @interface ExistingWebapp {
}
