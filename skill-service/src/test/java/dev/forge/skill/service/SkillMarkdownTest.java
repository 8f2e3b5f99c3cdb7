package dev.forge.skill.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.forge.skill.Skill;
import dev.forge.skill.SkillProblem;

class SkillMarkdownTest {

    private static final String SEED = """
            # Extract Tables
            Extract structured table data from documents.
            ## Triggers
            - /extract-tables
            - /table-extract
            ## Tools
            - pdf_reader
            - table_parser
            - csv_formatter
            ## Parameters
            - format: Output format (json, csv, markdown). Default: json
            - pages: Page range to process. Default: all
            """;

    private static SkillMarkdown.Parsed parse(String text) {
        return SkillMarkdown.parse("x/SKILL.md", "x", text.getBytes(StandardCharsets.UTF_8), Skill.Source.SYSTEM,
                Instant.EPOCH);
    }

    @Test
    void theSeedsExampleParsesWithoutFrontmatter() {
        var parsed = parse(SEED);
        assertThat(parsed.problems()).isEmpty();
        var skill = parsed.skill().orElseThrow();
        assertThat(skill.name()).isEqualTo("x");
        assertThat(skill.title()).isEqualTo("Extract Tables");
        assertThat(skill.description()).isEqualTo("Extract structured table data from documents.");
        assertThat(skill.triggers()).containsExactly("/extract-tables", "/table-extract");
        assertThat(skill.tools()).containsExactly("pdf_reader", "table_parser", "csv_formatter");
        assertThat(skill.parameters()).containsExactly(
                new Skill.Parameter("format", "Output format (json, csv, markdown)", Optional.of("json")),
                new Skill.Parameter("pages", "Page range to process", Optional.of("all")));
        assertThat(parsed.triggerLines()).containsEntry("/table-extract", 5);
        assertThat(skill.version()).hasSize(16).isEqualTo(SkillMarkdown.version(SEED.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void frontmatterNamesTheSkillAndIsKeptAsMetadata() {
        var parsed = parse("---\nname: tables\nowner: data-team\nversion: 2\n---\n\n" + SEED
                + "- required_thing: Must be given.\n\n## Examples\nnot a list, and that is fine here\n");
        assertThat(parsed.problems()).isEmpty();
        var skill = parsed.skill().orElseThrow();
        assertThat(skill.name()).isEqualTo("tables");
        assertThat(skill.metadata()).containsEntry("owner", "data-team").containsEntry("version", "2");
        assertThat(skill.parameter("required_thing").orElseThrow().defaultValue()).isEmpty();
        assertThat(parsed.triggerLines()).containsEntry("/extract-tables", 10);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            frontmatter_unterminated | 1 | ---\\nname: a\\n# T\\nd\\n## Triggers\\n- /a
            frontmatter_invalid      | 3 | ---\\nname: a\\nbad: [unclosed\\n---\\n# T\\nd\\n## Triggers\\n- /a
            frontmatter_not_a_map    | 2 | ---\\n- a\\n- b\\n---\\n# T\\nd\\n## Triggers\\n- /a
            invalid_name             | 2 | ---\\nname: Not Valid\\n---\\n# T\\nd\\n## Triggers\\n- /a
            missing_title            | 1 | Just text\\n## Triggers\\n- /a
            missing_description      | 1 | # T\\n## Triggers\\n- /a
            invalid_trigger          | 4 | # T\\nd\\n## Triggers\\n- extract
            duplicate_trigger        | 5 | # T\\nd\\n## Triggers\\n- /a\\n- /a
            no_triggers              | 0 | # T\\nd\\n## Tools\\n- t
            invalid_tool             | 6 | # T\\nd\\n## Triggers\\n- /a\\n## Tools\\n- two words
            invalid_parameter        | 6 | # T\\nd\\n## Triggers\\n- /a\\n## Parameters\\n- no colon here
            duplicate_parameter      | 7 | # T\\nd\\n## Triggers\\n- /a\\n## Parameters\\n- p: one\\n- p: two
            empty_default            | 6 | # T\\nd\\n## Triggers\\n- /a\\n## Parameters\\n- p: one. Default:
            not_a_list_item          | 4 | # T\\nd\\n## Triggers\\n/a without a dash
            duplicate_section        | 5 | # T\\nd\\n## Triggers\\n- /a\\n## Triggers\\n- /b
            second_title             | 5 | # T\\nd\\n## Triggers\\n- /a\\n# Another
            """)
    void eachMalformedKindIsReportedWithItsLineAndYieldsNoSkill(String kind, int line, String text) {
        var parsed = parse(text.replace("\\n", "\n"));
        assertThat(parsed.skill()).isEmpty();
        assertThat(parsed.problems()).extracting(SkillProblem::kind).contains(kind);
        assertThat(parsed.problems().stream().filter(p -> p.kind().equals(kind)).findFirst().orElseThrow().line())
                .isEqualTo(line);
    }

    @Test
    void bytesThatAreNotUtf8AndOversizedFilesAreRefused() {
        var notUtf8 = SkillMarkdown.parse("x/SKILL.md", "x", new byte[] {'#', ' ', (byte) 0xC3, (byte) 0x28},
                Skill.Source.SYSTEM, Instant.EPOCH);
        assertThat(notUtf8.problems()).extracting(SkillProblem::kind).containsExactly("not_utf8");
        var huge = SkillMarkdown.parse("x/SKILL.md", "x", new byte[SkillMarkdown.MAX_BYTES + 1],
                Skill.Source.SYSTEM, Instant.EPOCH);
        assertThat(huge.problems()).extracting(SkillProblem::kind).containsExactly("too_large");
    }

    @Test
    void windowsLineEndingsParseTheSame() {
        var parsed = parse(SEED.replace("\n", "\r\n"));
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.skill().orElseThrow().parameters()).hasSize(2);
    }

    @Test
    void tokensKeepQuotedValuesTogether() {
        assertThat(SkillRouter.tokens("/summarize focus=\"payment terms\" length=3  please"))
                .isEqualTo(List.of("/summarize", "focus=\"payment terms\"", "length=3", "please"));
    }
}
