package dev.forge.skill;

/**
 * Something wrong with a SKILL.md (the skill is skipped) or between skills (a trigger two skills declare), with the
 * file and line to fix. {@code line} 0 means the file as a whole.
 */
public record SkillProblem(String path, int line, String kind, String message) {

    @Override
    public String toString() {
        return path + (line > 0 ? ":" + line : "") + ": " + message;
    }
}
