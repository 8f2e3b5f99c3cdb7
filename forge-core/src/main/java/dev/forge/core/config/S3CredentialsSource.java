package dev.forge.core.config;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Which AWS credentials the S3 client uses ({@code quarkus.s3.aws.credentials.type}), decided from what is configured:
 * static keys when {@code FORGE_S3_ACCESS_KEY} is given; the embedded local S3's own keys when no
 * {@code FORGE_S3_ENDPOINT} is given (the launcher's S3Proxy); otherwise the AWS SDK's default chain — environment,
 * web identity (IRSA on EKS), profile, container and instance roles — so a pod with a role needs no keys at all.
 * Before, static keys were forced and roles could not work. Its ordinal is above the libraries' defaults and below
 * application.properties and the environment, which still win when they set the type outright.
 */
public class S3CredentialsSource implements ConfigSource {

    static final String TYPE = "quarkus.s3.aws.credentials.type";
    private static final int ORDINAL = 150;

    private final UnaryOperator<String> environment;

    public S3CredentialsSource() {
        this(System::getenv);
    }

    S3CredentialsSource(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    /** {@code static} or {@code default}. */
    String type() {
        if (given("FORGE_S3_ACCESS_KEY") || !given("FORGE_S3_ENDPOINT")) {
            return "static";
        }
        return "default";
    }

    private boolean given(String name) {
        String value = environment.apply(name);
        return value != null && !value.isBlank();
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(TYPE, type());
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(TYPE);
    }

    @Override
    public String getValue(String propertyName) {
        return TYPE.equals(propertyName) ? type() : null;
    }

    @Override
    public String getName() {
        return "forge-s3-credentials";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
