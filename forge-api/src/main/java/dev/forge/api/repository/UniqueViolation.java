package dev.forge.api.repository;

import org.hibernate.exception.ConstraintViolationException;

import io.vertx.pgclient.PgException;

/** Whether a failure is PostgreSQL refusing a duplicate key (SQLSTATE 23505), however Hibernate wrapped it. */
public final class UniqueViolation {

    private static final String UNIQUE_VIOLATION = "23505";

    private UniqueViolation() {
    }

    public static boolean test(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof ConstraintViolationException c && UNIQUE_VIOLATION.equals(c.getSQLState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
