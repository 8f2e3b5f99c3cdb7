package dev.forge.worker.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

import dev.forge.core.memory.MemoryEmbedder;

/** Memory embeddings from an OpenAI-compatible endpoint (WireMock speaking the embeddings wire format). */
class OpenAiEmbeddingsTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

    @Test
    void embedsThroughTheConfiguredEndpointAndNormalizes() {
        server.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"object": "list", "model": "text-embedding-3-small",
                         "data": [{"object": "embedding", "index": 0, "embedding": [3.0, 4.0, 0.0]}],
                         "usage": {"prompt_tokens": 3, "total_tokens": 3}}""")));
        var embedder = MemoryEmbedder.openAi("http://127.0.0.1:" + server.getPort() + "/v1", "sk-embed-test",
                "text-embedding-3-small", Duration.ofSeconds(5));
        assertThat(embedder.modelName()).isEqualTo("openai:text-embedding-3-small");

        float[] vector = embedder.embed("the customer likes teal").await().atMost(Duration.ofSeconds(10));

        assertThat(vector).containsExactly(0.6f, 0.8f, 0.0f);
        server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withHeader("Authorization", equalTo("Bearer sk-embed-test"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("text-embedding-3-small")))
                .withRequestBody(matchingJsonPath("$.input[0]", equalTo("the customer likes teal"))));
    }
}
