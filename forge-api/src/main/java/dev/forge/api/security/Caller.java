package dev.forge.api.security;

import java.util.UUID;

import dev.forge.core.auth.Role;

/**
 * Who is calling: the key, its workspace and its role; {@code platform} for a platform admin, whose key acts on every
 * workspace's keys and limits (an admin acts on its own workspace only).
 */
public record Caller(UUID keyId, String workspace, Role role, String keyPrefix, boolean platform) {

    /** May this caller administer {@code workspace}? */
    public boolean administers(String otherWorkspace) {
        return role == Role.ADMIN && (platform || workspace.equals(otherWorkspace));
    }
}
