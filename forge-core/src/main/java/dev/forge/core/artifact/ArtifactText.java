package dev.forge.core.artifact;

import java.util.Set;

/**
 * Which artifacts reach prompts as text, and how much of them: the rules the gateway checks at run creation and the
 * worker applies when it reads them, so a run refused by neither never surprises the other.
 */
public final class ArtifactText {

    /** An artifact larger than this is mentioned in prompts (name, type, size), never read. */
    public static final long MAX_TEXT_BYTES = 1024 * 1024;

    private static final Set<String> TEXTUAL_APPLICATION_TYPES = Set.of("application/json", "application/xml",
            "application/yaml", "application/x-yaml", "application/csv", "application/x-ndjson");

    private ArtifactText() {
    }

    public static boolean textual(String contentType) {
        String bare = contentType.split(";", 2)[0].trim().toLowerCase();
        return bare.startsWith("text/") || TEXTUAL_APPLICATION_TYPES.contains(bare) || bare.endsWith("+json")
                || bare.endsWith("+xml");
    }

    /** Whether the artifact's text goes into prompts: textual, and not over {@link #MAX_TEXT_BYTES}. */
    public static boolean read(String contentType, long sizeBytes) {
        return textual(contentType) && sizeBytes <= MAX_TEXT_BYTES;
    }

    /** How many of {@code bytes}' first {@code limit} bytes end on a UTF-8 character boundary. */
    public static int boundary(byte[] bytes, int limit) {
        int end = Math.min(limit, bytes.length);
        // step back over continuation bytes (10xxxxxx) so no character is cut in two
        while (end > 0 && end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return end;
    }
}
