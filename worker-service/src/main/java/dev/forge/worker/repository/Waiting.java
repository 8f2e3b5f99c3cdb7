package dev.forge.worker.repository;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A run that stops to wait for a person: the question as the API shows it ({@code runs.interrupt} and the
 * run.interrupted event) and when its parked job becomes runnable again on its own ({@code until}, the question's
 * deadline; null: only an answer wakes it).
 */
public record Waiting(JsonNode interrupt, Instant until) {
}
