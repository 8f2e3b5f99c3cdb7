package dev.forge.core.auth;

import java.util.Arrays;
import java.util.Optional;

/** The seed's roles. Each endpoint lists the roles it admits; there is no implicit hierarchy. */
public enum Role {
    ADMIN, OPERATOR, DEVELOPER, VIEWER;

    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<Role> fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(value)).findFirst();
    }
}
