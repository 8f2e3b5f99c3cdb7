package dev.forge.discovery.service;

import java.util.ArrayList;
import java.util.List;

/**
 * The tag vocabulary of Forge's catalog entries, written by workers and read by the scheduler-side capacity view,
 * so both sides agree on it in one place.
 */
public final class CatalogTags {

    public static final String EXECUTOR = "executor:";
    public static final String MODEL = "model:";
    public static final String TOOL = "tool:";
    public static final String GPU = "gpu:";
    /** Metadata key: how many runs the instance executes at once. */
    public static final String META_SLOTS = "slots";
    public static final String META_HTTP_PORT = "http-port";
    public static final String META_VERSION = "version";

    private CatalogTags() {
    }

    public static String executor(String type) {
        return EXECUTOR + type;
    }

    public static String model(String pattern) {
        return MODEL + pattern;
    }

    public static String tool(String name) {
        return TOOL + name;
    }

    public static String gpu(boolean present) {
        return GPU + present;
    }

    /** The values of the tags with this prefix, in order. */
    public static List<String> values(List<String> tags, String prefix) {
        var out = new ArrayList<String>();
        for (String tag : tags) {
            if (tag.startsWith(prefix)) {
                out.add(tag.substring(prefix.length()));
            }
        }
        return out;
    }
}
