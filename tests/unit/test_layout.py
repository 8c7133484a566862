"""The package's shape, held by a test: data flow one way, no import cycle, small modules.

outcomes/ is one folder per stage (README "Layout"). A module may import project modules of its
own stage and of the stages below it, never above: the build does not import the site, a reader
does not import the build. Imports inside a function are allowed only with a comment saying why
(an optional heavy dependency, a CLI subcommand). These checks read the code with `ast`; nothing
of the project is imported, so they run in milliseconds and fail on the line at fault.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "outcomes"

# Lowest first. The floor (settings, errors, the atomic writer) is below everything.
STAGES = ["floor", "domain", "sources", "quality", "build", "store", "results", "render", "publish", "web", "ops"]
FLOOR = {"outcomes", "outcomes.settings", "outcomes.errors", "outcomes.atomic"}
# Who else imports the package, and the highest stage each may reach.
OUTSIDE = {"geo": "domain", "views": "web", "app": "web"}
# The page files lay out results: they never read data, run SQL or build anything themselves.
PAGES_MAY_IMPORT = {"floor", "domain", "results", "render", "web"}

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LONG_REASON = "Long:"  # a longer function says why in its docstring, after this word


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def stage_of(module: str) -> str:
    if module in FLOOR or module == "outcomes.__main__":
        return "floor" if module != "outcomes.__main__" else "ops"
    parts = module.split(".")
    if parts[0] != "outcomes":
        return OUTSIDE.get(parts[0], "ops")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else "?"


def project_files() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "views").glob("*.py")) + [ROOT / "app.py"]
    return files + sorted((ROOT / "geo").glob("*.py"))


def imports(path: Path) -> list[tuple[str, int, bool, ast.AST]]:
    """(module imported, line, inside a function, node) for every import of the project's own code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if child.module.split(".")[0] in ("outcomes", "geo"):
                    # `from outcomes.x import y` may name a module y: count that as the import.
                    for alias in child.names:
                        full = f"{child.module}.{alias.name}"
                        target = full if (ROOT / Path(*full.split("."))).with_suffix(".py").exists() or \
                            (ROOT / Path(*full.split("."))).is_dir() else child.module
                        out.append((target, child.lineno, in_function, child))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] in ("outcomes", "geo"):
                        out.append((alias.name, child.lineno, in_function, child))
            visit(child, inner)

    visit(tree, False)
    return out


def test_every_module_of_the_package_sits_in_a_stage():
    lost = [module_name(p) for p in PACKAGE.rglob("*.py") if stage_of(module_name(p)) == "?"]
    assert not lost, f"modules outside every stage folder ({', '.join(STAGES[1:])}): {lost}"


def test_data_flow_one_way():
    """A module imports its own stage and the stages below it; never a stage above."""
    wrong = []
    for path in project_files():
        here = module_name(path)
        mine = stage_of(here)
        for target, line, _, _ in imports(path):
            theirs = stage_of(target)
            if here.startswith("views") or here == "app":
                ok = theirs in PAGES_MAY_IMPORT
            else:
                ok = STAGES.index(theirs) <= STAGES.index(mine) if theirs in STAGES else False
            if not ok:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({mine}) imports {target} ({theirs})")
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_no_import_cycle():
    graph: dict[str, set[str]] = {}
    for path in project_files():
        graph.setdefault(module_name(path), set()).update(t for t, *_ in imports(path))
    done: set[str] = set()

    def walk(node: str, trail: list[str]) -> list[str] | None:
        if node in trail:
            return trail[trail.index(node):] + [node]
        if node in done:
            return None
        for nxt in sorted(graph.get(node, ())):
            found = walk(nxt, trail + [node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = walk(start, [])
        assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_imports_inside_functions_say_why():
    """No project import hidden in a function unless a comment on its line (or the one above) says why."""
    silent = []
    for path in project_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for target, line, in_function, _ in imports(path):
            if not in_function:
                continue
            here, above = lines[line - 1], lines[line - 2] if line > 1 else ""
            if "#" not in here and not above.strip().startswith("#"):
                silent.append(f"{path.relative_to(ROOT)}:{line} imports {target} inside a function")
    assert not silent, "\n".join(silent)


def test_modules_are_small():
    big = [f"{p.relative_to(ROOT)}: {n} lines" for p in project_files()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not big, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(big)


def test_long_functions_say_why():
    long = []
    for path in project_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES and LONG_REASON not in (ast.get_docstring(node) or ""):
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {n} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines without '{LONG_REASON} <why>' in the docstring:\n" + "\n".join(long)


def test_only_web_imports_streamlit():
    """The domain package works without Streamlit: only outcomes/web/ (and the pages) import it."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        if module_name(path).startswith(("outcomes.web", "outcomes.ops")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            if any(n.split(".")[0] == "streamlit" for n in names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, "streamlit imported outside outcomes/web: " + ", ".join(found)


@pytest.mark.parametrize("bad, rule", [
    ("from outcomes.web import cache\n", "data_flow"),
    ("def f():\n    from outcomes.domain import fields\n", "inside"),
])
def test_the_checks_catch_what_they_are_for(tmp_path, bad, rule):
    """The checks above fail on a planted fault: a build module importing the site, a silent import."""
    global ROOT, PACKAGE
    fake = tmp_path / "outcomes" / "build"
    fake.mkdir(parents=True)
    (tmp_path / "outcomes" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "bad.py").write_text(bad)
    (tmp_path / "outcomes" / "web").mkdir()
    (tmp_path / "outcomes" / "web" / "__init__.py").write_text("")
    (tmp_path / "outcomes" / "web" / "cache.py").write_text("")
    (tmp_path / "outcomes" / "domain").mkdir()
    (tmp_path / "outcomes" / "domain" / "__init__.py").write_text("")
    (tmp_path / "outcomes" / "domain" / "fields.py").write_text("")
    (tmp_path / "views").mkdir()
    (tmp_path / "app.py").write_text("")
    saved = ROOT, PACKAGE
    ROOT, PACKAGE = tmp_path, tmp_path / "outcomes"
    try:
        check = test_data_flow_one_way if rule == "data_flow" else test_imports_inside_functions_say_why
        with pytest.raises(AssertionError):
            check()
    finally:
        ROOT, PACKAGE = saved


def test_the_readme_tree_names_every_stage():
    """The README's tree is kept true: it names each stage folder there is, and no other."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme[readme.index("outcomes/           the domain package"):readme.index("```", readme.index("outcomes/           the domain package"))]
    named = set(re.findall(r"^  (\w+)/", tree, flags=re.M))
    present = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert named == present, f"README tree names {sorted(named)}; outcomes/ has {sorted(present)}"
    assert set(STAGES[1:]) == present, f"stages {STAGES[1:]} against the folders {sorted(present)}"
