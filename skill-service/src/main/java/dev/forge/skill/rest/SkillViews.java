package dev.forge.skill.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.forge.skill.Skill;
import dev.forge.skill.SkillChange;
import dev.forge.skill.SkillProblem;
import dev.forge.skill.service.SkillRouter;

/** The REST shape of skills: snake_case fields, the same as the gRPC messages. */
final class SkillViews {

    private SkillViews() {
    }

    static Map<String, Object> skill(Skill s) {
        var out = new LinkedHashMap<String, Object>();
        out.put("name", s.name());
        out.put("title", s.title());
        out.put("description", s.description());
        out.put("triggers", s.triggers());
        out.put("tools", s.tools());
        out.put("parameters", s.parameters().stream().map(p -> {
            var param = new LinkedHashMap<String, Object>();
            param.put("name", p.name());
            param.put("description", p.description());
            param.put("default_value", p.defaultValue().orElse(null));
            param.put("required", p.defaultValue().isEmpty());
            return param;
        }).toList());
        out.put("source", s.source().label());
        out.put("version", s.version());
        out.put("path", s.path());
        out.put("metadata", s.metadata());
        out.put("loaded_at", s.loadedAt().toString());
        return out;
    }

    static Map<String, Object> problem(SkillProblem p) {
        var out = new LinkedHashMap<String, Object>();
        out.put("path", p.path());
        out.put("line", p.line());
        out.put("kind", p.kind());
        out.put("message", p.message());
        return out;
    }

    static Map<String, Object> resolution(SkillRouter.Resolution r) {
        var out = new LinkedHashMap<String, Object>();
        out.put("matched", true);
        out.put("command", r.command());
        out.put("skill", skill(r.skill()));
        out.put("parameters", r.parameters());
        out.put("tools", r.tools());
        out.put("text", r.text());
        return out;
    }

    static Map<String, Object> change(SkillChange c) {
        var out = new LinkedHashMap<String, Object>();
        out.put("kind", c.kind().label());
        out.put("name", c.skill().name());
        out.put("skill", skill(c.skill()));
        out.put("previous_version", c.previousVersion());
        return out;
    }
}
