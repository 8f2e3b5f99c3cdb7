package dev.forge.core.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forge.core.config.MemoryConfig;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import io.quarkus.runtime.ImageMode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Texts to unit-length embeddings: all-MiniLM-L6-v2 in-process through LangChain4j's ONNX runtime by default, or an
 * OpenAI-compatible embeddings API by configuration. The model is loaded on first use (a service that never
 * remembers anything does not pay for it), and inference runs on the worker pool.
 */
@ApplicationScoped
public class MemoryEmbedder {

    public static final String LOCAL_MODEL = "all-minilm-l6-v2";

    private final String modelName;
    private final Supplier<EmbeddingModel> factory;
    private volatile EmbeddingModel model;

    @Inject
    public MemoryEmbedder(MemoryConfig config) {
        this(configured(config.embedding()));
    }

    private MemoryEmbedder(MemoryEmbedder chosen) {
        this(chosen.modelName, chosen.factory);
    }

    private MemoryEmbedder(String modelName, Supplier<EmbeddingModel> factory) {
        this.modelName = modelName;
        this.factory = factory;
    }

    /** all-MiniLM-L6-v2 in-process. */
    public static MemoryEmbedder local() {
        return new MemoryEmbedder(LOCAL_MODEL, MemoryEmbedder::localModel);
    }

    /** An OpenAI-compatible embeddings API. */
    public static MemoryEmbedder openAi(String baseUrl, String apiKey, String model, Duration timeout) {
        return new MemoryEmbedder("openai:" + model, () -> OpenAiEmbeddingModel.builder().baseUrl(baseUrl)
                .apiKey(apiKey == null ? "none" : apiKey).modelName(model).timeout(timeout).maxRetries(2).build());
    }

    private static MemoryEmbedder configured(MemoryConfig.Embedding embedding) {
        return switch (embedding.provider()) {
            case "local" -> {
                // ONNX Runtime reaches Java over JNI and unpacks native libraries, none of it registered for native
                // images (and the 90 MB model is not packed into them): refuse with the way out instead of crashing
                if (ImageMode.current() == ImageMode.NATIVE_RUN) {
                    throw new IllegalStateException("in-process embeddings (forge.memory.embedding.provider=local) "
                            + "are not available in a native image; set forge.memory.embedding.provider=openai and "
                            + "its base-url (any OpenAI-compatible embeddings API)");
                }
                yield local();
            }
            case "openai" -> openAi(embedding.baseUrl(), embedding.apiKey().orElse(null), embedding.model(),
                    embedding.timeout());
            default -> throw new IllegalStateException("forge.memory.embedding.provider must be local or openai, not '"
                    + embedding.provider() + "'");
        };
    }

    /**
     * all-MiniLM-L6-v2 from files: the model ships inside a jar, and loading it from there reads all 90 MB onto the
     * heap (more than a service's heap allows), while ONNX Runtime loads a file natively. So the model and its
     * tokenizer are copied out once, streamed, to {@code java.io.tmpdir/forge-models}.
     */
    private static EmbeddingModel localModel() {
        try {
            var dir = Path.of(System.getProperty("java.io.tmpdir"), "forge-models", LOCAL_MODEL);
            Files.createDirectories(dir);
            var model = extract(dir, "all-minilm-l6-v2.onnx");
            var tokenizer = extract(dir, "all-minilm-l6-v2-tokenizer.json");
            return new OnnxEmbeddingModel(model, tokenizer, PoolingMode.MEAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the all-MiniLM-L6-v2 model", e);
        }
    }

    private static Path extract(Path dir, String resource) throws IOException {
        var url = AllMiniLmL6V2EmbeddingModel.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IOException(resource + " is not on the classpath");
        }
        var connection = url.openConnection();
        long size = connection.getContentLengthLong();
        var target = dir.resolve(resource);
        if (Files.isRegularFile(target) && Files.size(target) == size) {
            return target;
        }
        // another process may unpack at the same time: write aside, then move into place
        var partial = Files.createTempFile(dir, resource, ".part");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Which model made an embedding: memories embedded by another model are not compared with this one's. */
    public String modelName() {
        return modelName;
    }

    public Uni<float[]> embed(String text) {
        return Uni.createFrom().item(() -> Vectors.normalized(model().embed(text).content().vector()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private EmbeddingModel model() {
        var loaded = model;
        if (loaded == null) {
            synchronized (this) {
                if (model == null) {
                    model = factory.get();
                }
                loaded = model;
            }
        }
        return loaded;
    }
}
