package dev.forge.core.memory;

/** Which namespace a search or listing looks in: a null field matches any value. */
public record MemoryFilter(String assistantId, String sessionId) {

    public static final MemoryFilter ANY = new MemoryFilter(null, null);

    boolean matches(String assistant, String session) {
        return (assistantId == null || assistantId.equals(assistant))
                && (sessionId == null || sessionId.equals(session));
    }
}
