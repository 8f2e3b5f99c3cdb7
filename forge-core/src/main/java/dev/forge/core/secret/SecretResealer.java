package dev.forge.core.secret;

import java.util.ArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Moves stored secrets to the current key after a rotation: every sealed value of a column that names another key
 * (or predates key ids) is opened and sealed again under {@code FORGE_SECRET_KEY}, row by row, each update applied
 * only if the row still holds what was read (a concurrent change wins). Values no configured key opens are left as
 * they are and logged. At start-up it reseals every column the service declares (a {@code @Produces SealedColumn}
 * beside the repository that owns it), so only the service that writes a column reseals it.
 */
@ApplicationScoped
public class SecretResealer {

    private static final Logger LOG = Logger.getLogger(SecretResealer.class);

    /** Where sealed values live: table, id column, bytea column, and what each value is bound to (prefix + id). */
    public record SealedColumn(String table, String idColumn, String secretColumn, String bindingPrefix) {
    }

    private record Sealed(String id, byte[] value) {
    }

    private final Pool pool;
    private final SecretCipher cipher;
    private final Instance<SealedColumn> owned;

    @Inject
    public SecretResealer(Pool pool, SecretCipher cipher, Instance<SealedColumn> owned) {
        this.pool = pool;
        this.cipher = cipher;
        this.owned = owned;
    }

    /** A resealer for one-off passes over the columns it is asked about (a rotation checked by hand, tests). */
    public SecretResealer(Pool pool, SecretCipher cipher) {
        this(pool, cipher, null);
    }

    void onStart(@Observes StartupEvent event) {
        if (owned != null) {
            owned.forEach(this::resealInBackground);
        }
    }

    /** Reseals what needs it; the item is how many rows now hold a value under the current key that did not before. */
    public Uni<Integer> reseal(SealedColumn column) {
        if (!cipher.available()) {
            return Uni.createFrom().item(0);
        }
        // table and column names come from code, never from a request
        String select = "SELECT " + column.idColumn() + "::text AS id, " + column.secretColumn() + " AS secret FROM "
                + column.table() + " WHERE " + column.secretColumn() + " IS NOT NULL";
        String update = "UPDATE " + column.table() + " SET " + column.secretColumn() + " = $1 WHERE "
                + column.idColumn() + "::text = $2 AND " + column.secretColumn() + " = $3";
        return pool.query(select).execute().map(rows -> {
            var stale = new ArrayList<Sealed>();
            rows.forEach(r -> {
                byte[] value = r.getBuffer("secret").getBytes();
                if (!cipher.sealedUnderCurrentKey(value)) {
                    stale.add(new Sealed(r.getString("id"), value));
                }
            });
            return stale;
        }).flatMap(stale -> Multi.createFrom().iterable(stale).onItem().transformToUniAndConcatenate(s -> {
            byte[] resealed;
            try {
                resealed = cipher.reseal(s.value(), column.bindingPrefix() + s.id());
            } catch (SecretCipher.SecretUnavailable e) {
                LOG.warnf("%s %s: its secret stays as it is: %s", column.table(), s.id(), e.getMessage());
                return Uni.createFrom().item(0);
            }
            // the client encodes Vert.x core buffers, not their Mutiny wrappers
            return pool.preparedQuery(update).execute(Tuple.of(Buffer.buffer(resealed).getDelegate(), s.id(),
                    Buffer.buffer(s.value()).getDelegate())).map(r -> r.rowCount());
        }).collect().asList().map(counts -> counts.stream().mapToInt(Integer::intValue).sum()));
    }

    /** Reseals {@code column} in the background, logging what it did; for services' start-up. */
    public void resealInBackground(SealedColumn column) {
        reseal(column).subscribe().with(n -> {
            if (n > 0) {
                LOG.infof("Sealed %d secret(s) of %s again under key %s", n, column.table(),
                        cipher.currentKeyId().orElse("?"));
            }
        }, failure -> LOG.warnf("Could not reseal the secrets of %s: %s", column.table(), failure.getMessage()));
    }
}
