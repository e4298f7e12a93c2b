"""The generated files: a tree to pick one (with what writing would do to it) and the
file itself, syntax-highlighted and read-only."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static, Tree

# Lexer per file name ending; Vagrantfiles are Ruby.
LEXERS = (
    ("Vagrantfile", "ruby"), (".yml", "yaml"), (".yaml", "yaml"), (".json", "json"),
    (".md", "markdown"), (".sh", "bash"), (".ps1", "powershell"), (".hcl", "terraform"),
    (".j2", "jinja"), (".cfg", "ini"), (".ansible-lint", "yaml"),
)
STATUS_STYLES = {"added": "green", "changed": "yellow", "removed": "red", "unchanged": "dim"}


def lexer_for(path: str) -> str:
    return next((lexer for end, lexer in LEXERS if path.endswith(end)), "text")


class FilePreview(Horizontal):
    DEFAULT_CSS = """
    FilePreview { height: 1fr; }
    FilePreview Tree { width: 32; height: 1fr; border-right: vkey $primary-background; }
    FilePreview VerticalScroll { width: 1fr; height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Tree("project", id="file-tree")
        with VerticalScroll(id="file-view"):
            yield Static("", id="file-text")

    def show_files(self, files: dict[str, bytes], statuses: dict[str, str]) -> None:
        """Fill the tree; ``statuses`` maps paths to added/changed/... when the target exists."""
        self.files = files
        tree = self.query_one(Tree)
        tree.clear()
        tree.root.expand()
        folders = {"": tree.root}
        for path in sorted(set(files) | set(statuses), key=lambda p: (p.count("/"), p)):
            parent = ""
            for part in path.split("/")[:-1]:
                key = f"{parent}/{part}" if parent else part
                if key not in folders:
                    folders[key] = folders[parent].add(part, expand=key.count("/") < 1)
                parent = key
            label = Text(path.rsplit("/", 1)[-1])
            if status := statuses.get(path):
                label.append(f"  {status}", style=STATUS_STYLES.get(status, ""))
            folders[parent].add_leaf(label, data=path)
        first = next((n for n in tree.root.children if n.data == "Vagrantfile"), None)
        if first is not None:
            tree.move_cursor(first)
        self.show(first.data if first else next(iter(files), ""))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data:
            self.show(event.node.data)

    def show(self, path: str) -> None:
        view = self.query_one("#file-text", Static)
        data = getattr(self, "files", {}).get(path)
        if data is None:
            view.update(f"{path}: not generated any more; writing removes it." if path else "")
            return
        text = data.decode("utf-8", errors="replace")
        view.update(Syntax(text, lexer_for(path), line_numbers=True, word_wrap=True,
                           theme="ansi_dark", background_color="default"))
        self.query_one("#file-view").scroll_home(animate=False)
