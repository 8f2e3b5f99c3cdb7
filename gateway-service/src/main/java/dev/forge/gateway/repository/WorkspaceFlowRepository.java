package dev.forge.gateway.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.reactive.mutiny.Mutiny;

import dev.forge.api.repository.OnVertxContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Workspaces' own flows, through Hibernate Reactive with Panache, each method one unit of work on a Vert.x context of
 * its own. Saving a version writes a resource row (workspace_flows, workspace_flow_versions) and a run-path row
 * (flow_versions, which workers read to load a pinned version) — one transaction: the run-path insert is a native
 * statement on the same session.
 */
@ApplicationScoped
public class WorkspaceFlowRepository implements PanacheRepositoryBase<StoredFlow, StoredFlow.Key> {

    /** What saving did: the flow, the number of the version now current, and whether that version is new. */
    public record Saved(StoredFlow flow, int number, boolean newVersion) {
    }

    public Uni<Optional<StoredFlow>> find(String workspace, String name) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> findById(new StoredFlow.Key(workspace, name))))
                .map(Optional::ofNullable);
    }

    public Uni<List<StoredFlow>> all(String workspace) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> find("workspaceId", Sort.ascending("name"),
                workspace).list()));
    }

    /** Newest first. */
    public Uni<List<StoredFlowVersion>> versions(String workspace, String name) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> Panache.getSession().flatMap(session -> session
                .createSelectionQuery("from StoredFlowVersion where workspaceId = ?1 and name = ?2 "
                        + "order by number desc", StoredFlowVersion.class)
                .setParameter(1, workspace).setParameter(2, name).getResultList())));
    }

    /** Whether the workspace saved this version of its flow. */
    public Uni<Boolean> hasVersion(String workspace, String name, String version) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> Panache.getSession().flatMap(session -> session
                .find(StoredFlowVersion.class, new StoredFlowVersion.Key(workspace, name, version)))))
                .map(found -> found != null);
    }

    /**
     * Makes {@code version} the flow's current one, recording its source; creates the flow when {@code create}, else
     * the flow must exist (empty answer otherwise). A source saved before becomes current again under its number. The
     * flow's row is locked while it changes, so concurrent saves number their versions one after another; two
     * creations of one name at once leave one flow (the other fails on the key).
     */
    public Uni<Optional<Saved>> save(String workspace, String name, String version, String source, boolean create) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery("INSERT INTO flow_versions (flow_name, version, source) "
                        + "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING").setParameter(1, name).setParameter(2, version)
                        .setParameter(3, source).executeUpdate()
                        .flatMap(x -> create ? Uni.createFrom().nullItem()
                                : findById(new StoredFlow.Key(workspace, name), LockModeType.PESSIMISTIC_WRITE))
                        .flatMap(existing -> {
                            if (create) {
                                var flow = new StoredFlow();
                                flow.workspaceId = workspace;
                                flow.name = name;
                                flow.currentVersion = version;
                                flow.createdAt = OffsetDateTime.now();
                                flow.updatedAt = flow.createdAt;
                                return persist(flow).flatMap(x -> addVersion(session, flow, version, 1))
                                        .map(x -> Optional.of(new Saved(flow, 1, true)));
                            }
                            if (existing == null) {
                                return Uni.createFrom().item(Optional.<Saved>empty());
                            }
                            return session.find(StoredFlowVersion.class,
                                    new StoredFlowVersion.Key(workspace, name, version)).flatMap(known -> {
                                        existing.currentVersion = version;
                                        existing.updatedAt = OffsetDateTime.now();
                                        if (known != null) {
                                            return Uni.createFrom().item(Optional.of(
                                                    new Saved(existing, known.number, false)));
                                        }
                                        return session.createSelectionQuery("select coalesce(max(number), 0) "
                                                + "from StoredFlowVersion where workspaceId = ?1 and name = ?2",
                                                Integer.class).setParameter(1, workspace).setParameter(2, name)
                                                .getSingleResult()
                                                .flatMap(last -> addVersion(session, existing, version, last + 1)
                                                        .map(v -> Optional.of(new Saved(existing, v.number, true))));
                                    });
                        }))));
    }

    private static Uni<StoredFlowVersion> addVersion(Mutiny.Session session,
            StoredFlow flow, String version, int number) {
        var v = new StoredFlowVersion();
        v.workspaceId = flow.workspaceId;
        v.name = flow.name;
        v.version = version;
        v.number = number;
        return session.persist(v).replaceWith(v);
    }

    /** Deletes the flow and its versions' numbering (the sources stay: runs may still replay them). */
    public Uni<Boolean> remove(String workspace, String name) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> deleteById(
                new StoredFlow.Key(workspace, name))));
    }

    /** Assistants of the workspace on the flow, and its unfinished runs there: what keeps it from being deleted. */
    public Uni<long[]> uses(String workspace, String name) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> Panache.getSession().flatMap(session -> session
                .createNativeQuery("SELECT (SELECT count(*) FROM assistants WHERE workspace_id = ?1 AND flow_name = ?2),"
                        + " (SELECT count(*) FROM runs WHERE workspace_id = ?1 AND flow_name = ?2 "
                        + "AND status IN ('pending', 'running', 'interrupted'))", Object[].class)
                .setParameter(1, workspace).setParameter(2, name).getSingleResult())))
                .map(row -> new long[] { ((Number) row[0]).longValue(), ((Number) row[1]).longValue() });
    }
}
