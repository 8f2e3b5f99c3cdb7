package dev.forge.gateway.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Assistants' versions; used inside {@link AssistantRepository}'s units of work, on their session. */
@ApplicationScoped
public class AssistantVersionRepository
        implements PanacheRepositoryBase<StoredAssistantVersion, StoredAssistantVersion.Key> {

    Uni<StoredAssistantVersion> record(StoredAssistant assistant) {
        return persist(StoredAssistantVersion.of(assistant));
    }

    Uni<List<StoredAssistantVersion>> newestFirst(UUID assistant, int limit, int offset) {
        return find("assistantId", Sort.descending("version"), assistant).range(offset, offset + limit - 1).list();
    }
}
