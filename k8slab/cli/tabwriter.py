"""Go's text/tabwriter as kubectl uses it, so tables line up byte for byte.

kubectl formats every table through ``github.com/liggitt/tabwriter`` (a fork of Go's
``text/tabwriter`` with the ``RememberWidths`` flag), configured in cli-runtime
``pkg/printers/tabwriter.go`` with minwidth 6, tabwidth 4, padding 3, padchar ``' '``
and flags ``RememberWidths``. The rules that matter:

- text is split into cells at ``\\t`` (and ``\\v``); a line ends at ``\\n`` or ``\\f``;
- the text after a line's last tab is not part of any column and is never padded;
- a column's width is ``max(minwidth, longest cell + padding)``, computed per *block*:
  a contiguous run of lines that all have a cell in that column (ragged rows split blocks);
- with ``RememberWidths`` a later block of the same column is at least as wide as the
  widest earlier one, until :meth:`TabWriter.set_remembered_widths` resets it;
- a line without any tab, or a ``\\f``, flushes what was buffered.

Widths count code points (Go counts runes), so ``len()`` is the right measure.

>>> w = TabWriter()
>>> w.write("NAME\\tREADY\\tSTATUS\\tRESTARTS\\tAGE\\nfoo\\t0/0\\t\\t0\\t<unknown>\\n")
>>> w.flush()
'NAME   READY   STATUS   RESTARTS   AGE\\nfoo    0/0              0          <unknown>\\n'
"""

from __future__ import annotations

MIN_WIDTH = 6
TAB_WIDTH = 4
PADDING = 3
PAD_CHAR = " "


class TabWriter:
    """An elastic-tabstop writer with kubectl's settings; collects output in a string."""

    def __init__(self, minwidth: int = MIN_WIDTH, tabwidth: int = TAB_WIDTH, padding: int = PADDING,
                 padchar: str = PAD_CHAR, remember_widths: bool = True):
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.padchar = padchar
        self.remember_widths = remember_widths
        self.maxwidths: list[int] = []
        self._out: list[str] = []
        self._reset()

    def _reset(self) -> None:
        # lines of finished cells; each cell is (text, htab); _cell is the unfinished cell's text
        self._lines: list[list[tuple[str, bool]]] = [[]]
        self._cell = ""
        self._widths: list[int] = []

    def write(self, text: str) -> None:
        """Feed text; complete lines may be formatted at once (Go flushes after a tab-less line)."""
        start = 0
        for i, ch in enumerate(text):
            if ch in "\t\v\n\f":
                self._cell += text[start:i]
                start = i + 1
                line = self._lines[-1]
                line.append((self._cell, ch == "\t"))
                self._cell = ""
                ncells = len(line)
                if ch in "\n\f":
                    self._lines.append([])
                    if ch == "\f" or ncells == 1:
                        self._flush()
        self._cell += text[start:]

    def _flush(self) -> None:
        if self._cell:
            self._lines[-1].append((self._cell, False))
            self._cell = ""
        self._format(0, len(self._lines))
        self._reset()

    def flush(self) -> str:
        """Format everything buffered and return all output produced so far (then forget it)."""
        self._flush()
        out = "".join(self._out)
        self._out = []
        return out

    def set_remembered_widths(self, widths: list[int] | None) -> None:
        """Reset (or set) the remembered column widths, as kubectl does between resource types."""
        self.maxwidths = list(widths or [])

    def _format(self, line0: int, line1: int) -> None:
        column = len(self._widths)
        this = line0
        while this < line1:
            line = self._lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            # a cell exists in this column: print the lines before the block, then measure it
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                w = len(line[column][0]) + self.padding
                if w > width:
                    width = w
                this += 1
            if self.remember_widths:
                if len(self.maxwidths) < len(self._widths):
                    self.maxwidths.extend(self._widths[len(self.maxwidths):])
                if len(self.maxwidths) == len(self._widths):
                    self.maxwidths.append(width)
                elif self.maxwidths[column] > width:
                    width = self.maxwidths[column]
                elif self.maxwidths[column] < width:
                    self.maxwidths[column] = width
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)

    def _write_lines(self, line0: int, line1: int) -> None:
        out = self._out
        for i in range(line0, line1):
            for j, (text, _htab) in enumerate(self._lines[i]):
                out.append(text)
                if j < len(self._widths):
                    out.append(self.padchar * (self._widths[j] - len(text)))
            if i + 1 == len(self._lines):
                out.append(self._cell)
            else:
                out.append("\n")


def tabwrite(text: str) -> str:
    """Format tab-separated text in one go, as one kubectl tabwriter would."""
    w = TabWriter()
    w.write(text)
    return w.flush()
