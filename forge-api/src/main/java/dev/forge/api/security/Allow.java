package dev.forge.api.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.forge.core.auth.Role;

/**
 * The roles an endpoint admits. Every endpoint declares it (method or class); one without it admits nobody.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface Allow {
    Role[] value();

    /** Platform-wide work (every workspace's, or the platform's own): only a platform admin's key, 403 for others. */
    boolean platform() default false;
}
