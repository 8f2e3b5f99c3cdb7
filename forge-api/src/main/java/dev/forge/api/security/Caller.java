package dev.forge.api.security;

import java.util.UUID;

import dev.forge.core.auth.Role;

/** Who is calling: the key, its workspace and its role. */
public record Caller(UUID keyId, String workspace, Role role, String keyPrefix) {
}
