package dev.forge.cli.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;

/** Values given on the command line: JSON inline, {@code @file}, or {@code -} for stdin; files read as text. */
final class Inputs {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Inputs() {
    }

    /** {@code option}'s JSON value: inline, {@code @path} or {@code -} (stdin). */
    static JsonNode json(String option, String value) {
        String text = text(option, value);
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCodes.USAGE, option + " is not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }

    /** {@code option}'s value as a JSON object. */
    static JsonNode object(String option, String value) {
        var json = json(option, value);
        if (!json.isObject()) {
            throw new CliException(ExitCodes.USAGE, option + " must be a JSON object");
        }
        return json;
    }

    static String text(String option, String value) {
        if (value.equals("-")) {
            try {
                return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read " + option + " from stdin: " + e.getMessage());
            }
        }
        return value.startsWith("@") ? file(option, Path.of(value.substring(1))) : value;
    }

    static String file(String what, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + what + " file " + file + ": "
                    + e.getClass().getSimpleName().replace("Exception", "").replace("NoSuchFile", "no such file"));
        }
    }
}
