package dev.forge.bench;

import java.time.Duration;

import org.flywaydb.core.Flyway;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/** A fresh database with Forge's schema, on the PostgreSQL the services use. */
final class BenchDb {

    static final String HOST = System.getenv().getOrDefault("FORGE_PG_HOST", "127.0.0.1");
    static final String USER = System.getenv().getOrDefault("FORGE_DB_USER", "postgres");
    static final Duration WAIT = Duration.ofSeconds(60);

    private BenchDb() {
    }

    static PgConnectOptions options(String database) {
        var options = new PgConnectOptions().setHost(HOST).setPort(5432).setUser(USER).setDatabase(database)
                .setCachePreparedStatements(true).setPipeliningLimit(256);
        String password = System.getenv("QUARKUS_DATASOURCE_PASSWORD");
        return password == null ? options : options.setPassword(password);
    }

    /** Drops and recreates the database, then applies every Forge migration. */
    static void fresh(Vertx vertx, String database) {
        Pool admin = PgPool.pool(vertx, options("postgres"), new PoolOptions().setMaxSize(1));
        admin.query("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)").execute().await().atMost(WAIT);
        admin.query("CREATE DATABASE " + database).execute().await().atMost(WAIT);
        admin.close().await().atMost(WAIT);
        Flyway.configure().dataSource("jdbc:postgresql://" + HOST + ":5432/" + database, USER,
                System.getenv("QUARKUS_DATASOURCE_PASSWORD")).locations("classpath:db/migration").load().migrate();
    }

    static Pool pool(Vertx vertx, String database, int size) {
        return PgPool.pool(vertx, options(database), new PoolOptions().setMaxSize(size));
    }
}
