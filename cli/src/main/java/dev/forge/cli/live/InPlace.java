package dev.forge.cli.live;

import java.util.List;

import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;

/**
 * Lines redrawn in place below the cursor: JLine's {@link Display} compares them with the last frame and moves the
 * cursor with the terminal's own capabilities to change only what differs. Used by the live run display and
 * {@code forge runs watch}.
 */
public final class InPlace {

    private final Terminal terminal;
    private final Display display;

    public InPlace(Terminal terminal) {
        this.terminal = terminal;
        this.display = new Display(terminal, false);
    }

    /** The terminal's width (80 when it does not say). */
    public int width() {
        int columns = terminal.getSize().getColumns();
        return columns > 0 ? columns : 80;
    }

    /** Draws the frame, leaving the cursor at the end of its last line. */
    public void draw(List<AttributedString> lines) {
        var size = terminal.getSize();
        int width = width();
        int rows = size.getRows() > 0 ? size.getRows() : 24;
        display.resize(rows, width);
        int last = lines.size() - 1;
        display.update(lines, new Size(width, rows).cursorPos(last, lines.get(last).columnLength()));
        terminal.flush();
    }

    /** Moves below the last frame, so what is printed next starts on a line of its own. */
    public void leave() {
        terminal.writer().println();
        terminal.flush();
    }
}
