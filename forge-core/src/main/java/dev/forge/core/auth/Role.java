package dev.forge.core.auth;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The seed's roles. Each endpoint lists the roles it admits; there is no implicit hierarchy. */
public enum Role {
    ADMIN, OPERATOR, DEVELOPER, VIEWER;

    public String wireName() {
        return name().toLowerCase();
    }

    /** The wire names of the roles, in declaration order (admin first). */
    public static List<String> wireNames(Collection<Role> roles) {
        return roles.stream().sorted().map(Role::wireName).toList();
    }

    public static Optional<Role> fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(value)).findFirst();
    }
}
