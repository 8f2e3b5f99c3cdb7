package dev.forge.skill;

/** One change to the index after a reload: a skill added, changed (new content version) or removed. */
public record SkillChange(Kind kind, Skill skill, String previousVersion) {

    public enum Kind {
        ADDED, CHANGED, REMOVED;

        public String label() {
            return name().toLowerCase();
        }
    }
}
