"""The reader's and student editions for Jupyter and Colab (tools/notebook_editions/, `make notebooks`).

Fixture notebooks test each rule; the real chapters are converted with stand-in glue values (no
build needed, every construct the chapters use is covered); where a built book exists, the real
editions are compared with the built HTML. No test executes a chapter: the editions' code cells
are the chapters' code cells, which `make test` runs, and `make test-colab` runs the editions of
chapters 1-4.
"""
import ast
import html
import re
import subprocess
import warnings

import nbformat
import pytest
import yaml
from markdown_it import MarkdownIt

from tools import make_student, publish_edition
from tools.notebook_editions.book import ROOT, Book, Build, Chapter, EditionError, load_book, load_build, record_build
from tools.notebook_editions.convert import Converter, exercise_numbers
from tools.notebook_editions.edition import edition_notebook, write_editions
from tools.outputs import Outputs

from editions import CONFIG, INSTALL, URL, Anything

DOC = "chapters/03_x"
BASE = CONFIG["html"]["baseurl"]


def code(source, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = list(tags)
    return cell


def markdown(source, tags=()):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["tags"] = list(tags)
    return cell


def hidden(source):
    return code(source, ["remove-cell"])


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [code(INSTALL, ["remove-cell"]), markdown("# A chapter\n\nIts first paragraph."), *cells]
    return nb


BOOK = Book(ROOT, CONFIG, [Chapter(DOC, ROOT / f"{DOC}.ipynb", 3)])
CONVERTER = Converter(BOOK)


def fixture_build(**glue):
    return Build(glue={DOC: {key: str(value) for key, value in glue.items()}},
                 labels={"ex-first": (f"{DOC}.html#ex-first", "Exercise"),
                         "sec-data": (f"{DOC}.html#sec-data", "The data")},
                 docs={"notation": ("notation.html", "Notation"), DOC: (f"{DOC}.html", "A chapter"),
                       "chapters/04_y": ("chapters/04_y.html", "The next chapter")},
                 machine="a test machine", date="2026-01-02")


def edition(*cells, student=False, numbers=None, **glue):
    nb, ctx = edition_notebook(notebook(*cells), BOOK.chapters[0], BOOK, fixture_build(**glue),
                                  numbers if numbers is not None else {"ex-first": "3.1", "ex-second": "3.2"},
                                  CONVERTER, student=student)
    return nb, ctx


def body(*cells, **glue):
    """The markdown the edition makes of the given cells (the fixture's title cell left out)."""
    nb, _ = edition(*cells, **glue)
    return [c.source for c in nb.cells[2:] if c.cell_type == "markdown"]


# --- glue ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("plain, role, expected", [
    ("0.98765", "acc:.2f", "0.99"),
    ("3.78578279836006e-11", "acc:.0e", "4e-11"),
    ("55000", "acc:,", "55,000"),
    ("0.5", "acc:+.2f", "+0.50"),
    ("12", "acc:.1f", "12.0"),
    ("94.5", "acc", "94.5"),                 # no format: the value as the build printed it
    ("'adam'", "acc", "adam"),               # a string: without its quotes, as myst-nb shows it
])
def test_glued_values_are_formatted_as_myst_nb_formats_them(plain, role, expected):
    [text] = body(markdown(f"We got {{glue:text}}`{role}` here."), acc=plain)
    assert text == f"We got {expected} here."


def test_a_glue_key_without_a_value_fails_loudly():
    with pytest.raises(EditionError, match=r"glue key 'acc' has no value in the build of chapters/03_x"):
        edition(markdown("{glue:text}`acc:.1f`"), other=1)


def test_a_glued_value_that_would_read_as_markup_fails():
    with pytest.raises(EditionError, match="would not read as plain text"):
        edition(markdown("{glue:text}`name`"), name="'*bold*'")


def test_only_the_roles_change_every_other_character_stays():
    source = ("## Results\n\n| model | accuracy |\n|---|---|\n| MLP | {glue:text}`a:.1f`% |\n"
              "| CNN | {glue:text}`b:.1f`% |\n\n- first {glue:text}`a:.1f` and again {glue:text}`a:.1f`,\n"
              "  then `{glue:text}` in code and $x_{glue}$ in math, and **{glue:text}`b:.2f`**.\n")
    [text] = body(markdown(source), a=98.25, b=99.5)
    assert text == ("## Results\n\n| model | accuracy |\n|---|---|\n| MLP | 98.2% |\n"
                    "| CNN | 99.5% |\n\n- first 98.2 and again 98.2,\n"
                    "  then `{glue:text}` in code and $x_{glue}$ in math, and **99.50**.\n")


# --- exercises, solutions, links, admonitions ------------------------------------------------------

def test_exercises_become_numbered_headings_one_level_below_the_last_heading():
    texts = body(markdown("## Exercises"),
                 markdown(":::{exercise}\n:label: ex-first\nDo {glue:text}`n` things.\n:::"),
                 markdown(":::{exercise} A title\n:label: ex-second\nMore.\n:::"),
                 markdown(":::{exercise}\n:nonumber:\nA bonus.\n:::"), n=3)
    assert texts[1:] == ["### Exercise 3.1\n\nDo 3 things.", "### Exercise 3.2 (A title)\n\nMore.",
                         "### Exercise\n\nA bonus."]


def test_an_exercise_counted_differently_from_the_book_fails():
    with pytest.raises(EditionError, match="counted as 3.1, numbered 3.2 in the book"):
        edition(markdown(":::{exercise}\n:label: ex-second\nx\n:::"))


def test_solutions_fold_in_the_reader_edition_and_are_gone_from_the_student_edition():
    exercise = markdown(":::{exercise}\n:label: ex-first\nFind it.\n:::")
    solution = markdown("````{solution} ex-first\n:class: dropdown\nIt is {glue:text}`v:.1f`:\n\n"
                        "```python\nprint(42)\n```\n````", ["solution"])
    nb, ctx = edition(exercise, solution, v=4.25)
    assert nb.cells[-1].source == ("<details>\n<summary>Solution to Exercise 3.1</summary>\n\n"
                                   "It is 4.2:\n\n```python\nprint(42)\n```\n\n</details>")
    assert ctx.counts["solutions folded"] == 1
    student, ctx = edition(exercise, solution, v=4.25, student=True)
    assert [c.source for c in student.cells[2:]] == ["## Exercise 3.1\n\nFind it."]   # below the "# " title
    assert "solutions folded" not in ctx.counts


def test_doc_and_ref_become_links_to_the_published_book():
    [text] = body(markdown("See {doc}`../notation`, {doc}`the next one <04_y>`, {ref}`ex-first` "
                           "and {ref}`our data <sec-data>`; {ref}`sec-data` too."))
    assert text == (f"See [Notation]({BASE}notation.html), [the next one]({BASE}chapters/04_y.html), "
                    f"[Exercise 3.1]({BASE}{DOC}.html#ex-first) and [our data]({BASE}{DOC}.html#sec-data); "
                    f"[The data]({BASE}{DOC}.html#sec-data) too.")


def test_math_roles_become_dollar_math():
    [text] = body(markdown("A sum {math}`\\sum_i x_i` here."))
    assert text == "A sum $\\sum_i x_i$ here."


@pytest.mark.parametrize("role, message", [
    ("{doc}`missing`", "the book has no page 'chapters/missing'"),
    ("{ref}`no-such-label`", "the book has no label 'no-such-label'"),
])
def test_a_link_to_nowhere_fails(role, message):
    with pytest.raises(EditionError, match=message):
        edition(markdown(role))


def test_admonitions_become_quotes_with_their_title():
    texts = body(markdown(":::{admonition} Why it works\n:class: note\nFirst {glue:text}`k`.\n\nSecond.\n:::"),
                 markdown(":::{warning}\nCareful.\n:::"), markdown("```{tip}\nA hint.\n```"), k=7)
    assert texts == ["> **Why it works**\n>\n> First 7.\n>\n> Second.", "> **Warning**\n>\n> Careful.",
                     "> **Tip**\n>\n> A hint."]


@pytest.mark.parametrize("source, message", [
    ("{eq}`my-equation`", r"no rule for the role \{eq\}"),
    ("{numref}`fig-x`", r"no rule for the role \{numref\}"),
    ("{glue:}`k`", r"no rule for the role \{glue:\}"),
    ("{glue:text}`other.ipynb::k:.2f`", "glue from another page"),
    (":::{figure} a.png\n:::", r"no rule for the directive \{figure\}"),
    ("```{code-cell}\nx = 1\n```", r"no rule for the directive \{code-cell\}"),
    (":::{exercise}\n:hidden:\nx\n:::", r"a hidden \{exercise\}"),
    (":::{exercise}\n:colour: red\nx\n:::", r"\{exercise\}: Unknown option keys: \['colour'\]"),
    ("- a list\n\n  :::{note}\n  inside\n  :::", "inside a list or quote"),
    ("% a comment", "'myst_line_comment'"),
    ("+++", "'myst_block_break'"),
    ("![a picture](figure.png)", "'image'"),
    ("[the next chapter](04_y.ipynb)", "relative link"),
    ("A footnote[^1].\n\n[^1]: here", "footnote"),
    ("Term\n: its definition", "'dl_open'"),
])
def test_anything_without_a_rule_fails_loudly(source, message):
    with pytest.raises(EditionError, match=message):
        edition(markdown(source))


def test_a_section_label_goes_and_its_heading_stays():
    # `(label)=` names a section for {ref} in the book; Jupyter has no such names (links go to the book)
    assert body(markdown("Before.\n\n(sec-x)=\n## A section\n\nAfter.")) == ["Before.\n\n## A section\n\nAfter."]


def test_a_solution_in_the_student_edition_fails_like_make_student():
    with pytest.raises(make_student.MarkingError, match="not tagged 'solution'"):
        edition(markdown("```{solution} ex-first\nsecret\n```"), student=True)


# --- the note, the install cell, the notebook -------------------------------------------------------

def test_the_note_under_the_title_says_which_build_the_numbers_come_from():
    nb, _ = edition()
    title = nb.cells[1].source
    assert title.startswith("# A chapter\n\n> *Chapter 3 of the book, reader's edition")
    assert "build of 2026-01-02 on a test machine; your run may differ in the last digit" in title
    assert title.endswith("\n\nIts first paragraph.")


@pytest.mark.parametrize("student, branch", [(False, "notebooks"), (True, "student")])
def test_the_install_cell_installs_from_the_branch_of_its_edition(student, branch):
    nb, _ = edition(student=student)
    assert nb.cells[0].source == INSTALL.replace(f'git+{URL}"', f'git+{URL}@{branch}"')
    assert nb.metadata["nnbook"]["edition"]["branch"] == branch


def test_a_chapter_without_the_install_cell_fails():
    nb = notebook()
    nb.cells[0] = code("x = 1")
    with pytest.raises(EditionError, match="first cell must be the hidden cell that installs"):
        edition_notebook(nb, BOOK.chapters[0], BOOK, fixture_build(), {}, CONVERTER)


def test_the_edition_is_valid_without_outputs_and_the_source_is_untouched():
    cell = code("print(1)")
    cell.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    cell.execution_count = 1
    source = notebook(cell)
    nb, _ = edition_notebook(source, BOOK.chapters[0], BOOK, fixture_build(), {}, CONVERTER)
    nbformat.validate(nb)
    assert nb.cells[2].outputs == [] and nb.cells[2].execution_count is None
    assert source.cells[2].outputs and source.cells[0].source == INSTALL


# --- hidden cells -------------------------------------------------------------------------------------

def kept_code(*cells):
    nb, _ = edition(*cells)
    return [c.source for c in nb.cells[2:] if c.cell_type == "code"]


def test_a_check_no_later_cell_needs_is_removed():
    assert kept_code(code("x = 1"), hidden("assert x == 1\ny = [v for v in range(3)]"),
                     code("print(x, [v for v in 'ab'])")) == ["x = 1", "print(x, [v for v in 'ab'])"]


def test_a_later_cell_that_binds_a_name_first_does_not_need_the_check_that_bound_it():
    cells = [code("xs = [1, 2]"), hidden("for name in xs:\n    assert name > 0")]
    assert kept_code(*cells, code("for name in 'ab':\n    print(name)")) == ["xs = [1, 2]", "for name in 'ab':\n    print(name)"]
    assert len(kept_code(*cells, code("print(name)"))) == 3     # reads the check's `name`: kept


def test_checks_only_removed_checks_read_are_removed_together():
    assert kept_code(code("x = 1"), hidden("y = x + 1"), hidden("assert y == 2")) == ["x = 1"]


@pytest.mark.parametrize("check, later", [
    ("z = x + 1\nassert z == 2", "print(z)"),                        # binds a name read later
    ("data.append(3)\nassert len(data) == 2", "print(data)"),       # a method may change an object
    ("data[0] = 5", "print(data)"),                                   # item assignment
    ("grow(data)", "print(data)"),                                    # a function may change its argument
    ("first = data\nfirst.append(4)", "print(data)"),                  # ... through another name
    ("for row in table.values():\n    row.append(0)", "print(table)"),
    ("def helper():\n    return 1", "helper()"),                      # defines what a later cell calls
    ("import math", "math.sqrt(2)"),                                  # imports what a later cell uses
    ("torch.manual_seed(5)\nassert True", "print(1)"),               # random state: no name shows it
    ("np.random.seed(5)", "print(1)"),
    ("seed_everything(1)", "print(1)"),
    ("os.environ['X'] = '1'", "print(1)"),
])
def test_a_check_a_later_cell_may_need_stays(check, later):
    kept = kept_code(code("import os, numpy as np, torch\nx = 1\ndata = [1, 2]\ntable = {'a': [1]}"), hidden(check), code(later))
    assert len(kept) == 3, f"{check!r} was removed"


def test_a_kept_check_warns_instead_of_raising():
    check = hidden("# the text: the values\nfor v in values:\n    assert v > 0, f'v = {v}'\n"
                   "assert (len(values)\n        == 2)\nmore = len(values)")
    [_, softened, _] = kept_code(code("values = [1, 2]"), check, code("print(more)"))
    assert softened.startswith("import warnings  # reader's edition:")
    assert "assert" not in softened and "# the text: the values" in softened
    for values, warned in [([1, 2], []), ([-1, 2, 3], ["nnbook check failed: v > 0; v = -1",
                                                      "nnbook check failed: len(values)         == 2"])]:
        namespace = {"values": values}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(softened, namespace)          # never raises
        assert [str(w.message) for w in caught] == warned
        assert namespace["more"] == len(values)


@pytest.mark.parametrize("check, message", [
    ("x = 2\nraise ValueError('no')", "raises other than by `assert`"),
    ("x = 2\nnp.testing.assert_allclose(x, 2)", "raises other than by `assert`"),
    ("x = 1; assert x", "does not start its line"),
])
def test_a_kept_check_the_tool_cannot_soften_fails(check, message):
    with pytest.raises(EditionError, match=message):
        kept_code(code("import numpy as np\nx = 1"), hidden(check), code("print(x)"))


# --- the real chapters, with stand-in glue values (no build needed) --------------------------------

REAL = load_book(ROOT)
REAL_CONVERTER = Converter(REAL)
NUMBERS = exercise_numbers(REAL, REAL_CONVERTER)
STAND_IN = Build(glue=Anything(lambda key: "1.5"), labels=Anything(lambda label: (f"somewhere.html#{label}", label)),
                 docs=Anything(lambda doc: (f"{doc}.html", doc)), machine="no machine", date="never")


def plain_markdown_tokens(source):
    """Every token CommonMark (Jupyter's Markdown) finds in a cell, inline ones included."""
    for token in MarkdownIt("commonmark").enable("table").parse(source):
        yield token
        yield from token.children or []


@pytest.fixture(scope="module", params=[False, True], ids=["reader", "student"])
def stand_in_editions(request):
    out = {}
    for chapter in REAL.chapters:
        source = nbformat.read(chapter.path, as_version=4)
        out[chapter.docname] = (source, *edition_notebook(source, chapter, REAL, STAND_IN, NUMBERS,
                                                             REAL_CONVERTER, student=request.param))
    return request.param, out


def test_every_chapter_numbers_its_exercises_from_1():
    for chapter in REAL.chapters:
        mine = sorted((v for v in NUMBERS.values() if v.startswith(f"{chapter.number}.")),
                      key=lambda v: int(v.split(".")[1]))
        assert mine == [f"{chapter.number}.{k}" for k in range(1, len(mine) + 1)], chapter.docname


@pytest.mark.parametrize("docname", [c.docname for c in REAL.chapters])
def test_no_myst_survives_in_any_chapter(docname, stand_in_editions):
    student, editions = stand_in_editions
    _, nb, ctx = editions[docname]
    nbformat.validate(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for token in plain_markdown_tokens(cell.source):
            for myst in ("{glue", "{exercise}", "{solution}", "{doc}", "{ref}", "{admonition}", ":::"):
                assert myst not in token.content, f"{docname}, cell {index}: {myst} left in {token.content[:80]!r}"
            assert not (token.type == "fence" and token.info.startswith("{")), \
                f"{docname}, cell {index}: a directive fence left: {token.info!r}"
    if student:
        assert "<details>" not in "".join(c.source for c in nb.cells)


def _exercise_directives(nb):
    return sum(1 for cell in nb.cells if cell.cell_type == "markdown"
               for token in REAL_CONVERTER.md.parse(cell.source)
               if token.type in ("fence", "colon_fence") and token.info.startswith("{exercise}"))


@pytest.mark.parametrize("docname", [c.docname for c in REAL.chapters])
def test_every_exercise_and_solution_is_rewritten(docname, stand_in_editions):
    student, editions = stand_in_editions
    source, nb, ctx = editions[docname]
    assert ctx.counts["exercises"] == _exercise_directives(source) > 0
    headings = [line for cell in nb.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if re.match(r"#+ Exercise \d", line)]
    assert len(headings) == ctx.counts["exercises"]
    solutions = sum("solution" in c.metadata.get("tags", []) for c in source.cells if c.cell_type == "markdown")
    assert ctx.counts["solutions folded"] == (0 if student else solutions)


def _softened_back(source):
    """The syntax tree of a check whose asserts the edition made warnings, with the asserts put back."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            statements = getattr(node, name, None)
            if not isinstance(statements, list):
                continue
            new = []
            for statement in statements:
                if isinstance(statement, ast.Import) and [a.name for a in statement.names] == ["warnings"]:
                    continue                                  # the import the edition adds
                if (isinstance(statement, ast.If) and isinstance(statement.test, ast.UnaryOp)
                        and isinstance(statement.test.op, ast.Not) and len(statement.body) == 1
                        and ast.unparse(statement.body[0]).startswith("warnings.warn(")):
                    warning = statement.body[0].value.args[0]     # 'nnbook check failed: ...' [+ '; ' + str(msg)]
                    message = warning.right.args[0] if isinstance(warning, ast.BinOp) else None
                    statement = ast.Assert(test=statement.test.operand, msg=message)
                new.append(statement)
            setattr(node, name, new)
    return ast.dump(tree)


def _bound(source):
    """Names a cell binds anywhere: assignments, loop and comprehension variables, imports, definitions,
    parameters (a rough superset of what it binds at the top level, on purpose: another method than the tool's)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _read(source):
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@pytest.mark.parametrize("docname", [c.docname for c in REAL.chapters])
def test_the_code_is_the_chapters_code(docname, stand_in_editions):
    """Every code cell is the source's, except: the install cell names its branch, hidden checks are
    removed (only when no later cell reads what they bind) or have their asserts made warnings."""
    student, editions = stand_in_editions
    source, nb, _ = editions[docname]
    if student:
        source = make_student.student_notebook(source, docname)
    ours = [c for c in source.cells if c.cell_type == "code"]
    theirs = [c.source for c in nb.cells if c.cell_type == "code"]
    branch = "student" if student else "notebooks"
    assert theirs[0] == ours[0].source.replace(f'git+{URL}"', f'git+{URL}@{branch}"') != ours[0].source
    removed = []
    j = 1
    for cell in ours[1:]:
        if j < len(theirs) and theirs[j] == cell.source:
            j += 1
            continue
        assert "remove-cell" in cell.metadata.get("tags", []), f"a visible cell changed or went: {cell.source[:80]!r}"
        if (j < len(theirs) and "import warnings  # reader's edition" in theirs[j]
                and _softened_back(theirs[j]) == ast.dump(ast.parse(cell.source))):
            j += 1                     # kept, its asserts made warnings
        else:
            removed.append((cell.source, theirs[j:]))
    assert j == len(theirs)
    for check, later in removed:   # no cell after a removed check reads a name it binds before binding it again
        unbound = _bound(check)
        for cell in later:
            assert not (_read(cell) - _bound(cell)) & unbound, \
                f"removed, yet read later: {(_read(cell) - _bound(cell)) & unbound} in {cell[:80]!r}"
            unbound -= _bound(cell)


# --- the real editions, where a built book exists ---------------------------------------------------

@pytest.fixture(scope="module")
def built_editions(tmp_path_factory):
    try:
        build = load_build(REAL)
    except EditionError as error:
        pytest.skip(f"no usable book build: {error}")
    out = tmp_path_factory.mktemp("notebooks")
    return out, write_editions(out, root=ROOT, build=build)


@pytest.mark.parametrize("docname", [c.docname for c in REAL.chapters])
def test_the_edition_shows_the_numbers_and_exercise_numbers_of_the_built_book(docname, built_editions):
    out, written = built_editions
    page = (ROOT / "_build" / "html" / f"{docname}.html").read_text(encoding="utf-8")
    pasted = [html.unescape(text) for text in re.findall(r'<span class="pasted-text">([^<]*)</span>', page)]
    assert written[docname].glued == pasted
    nb = nbformat.read(out / f"{docname}.ipynb", as_version=4)
    nbformat.validate(nb)
    ours = [m for c in nb.cells if c.cell_type == "markdown" for m in re.findall(r"^#+ Exercise (\d+\.\d+)", c.source, re.M)]
    book = list(dict.fromkeys(re.findall(r'<span class="caption-number">Exercise (\d+\.\d+) </span>', page)))
    assert ours == book


def test_without_a_build_the_tool_says_to_build(tmp_path):
    for name in ("_config.yml", "_toc.yml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "chapters").mkdir()
    nbformat.write(notebook(), tmp_path / "chapters" / "01_neuron.ipynb")
    with pytest.raises(EditionError, match=r"jupyter_execute/chapters/01_neuron.ipynb is missing: run `make book` first"):
        write_editions(tmp_path / "out", root=tmp_path)


def test_the_build_record_names_the_machine_and_the_day(tmp_path):
    record = record_build(tmp_path)
    data = yaml.safe_load(record.read_text())
    assert data["machine"].startswith("a ") and " cores" in data["machine"] and "Python 3." in data["machine"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["date"])


@pytest.mark.parametrize("numbered, continuous, expected", [
    ([True, True, False], True, [1, 2, 3, None]),
    ([True, True, False], False, [1, 1, 2, None]),
])
def test_chapters_are_numbered_as_jupyter_book_numbers_them(tmp_path, numbered, continuous, expected):
    parts = [{"numbered": numbered[0], "chapters": [{"file": "chapters/a"}]},
             {"numbered": numbered[1], "chapters": [{"file": "chapters/b"}, {"file": "chapters/c"}]},
             {"chapters": [{"file": "chapters/d"}]}]
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "index", "parts": parts}))
    (tmp_path / "_config.yml").write_text(yaml.safe_dump({"html": {"use_multitoc_numbering": continuous}}))
    (tmp_path / "chapters").mkdir()
    for name in "abcd":
        (tmp_path / "chapters" / f"{name}.ipynb").write_text("{}")
    assert [c.number for c in load_book(tmp_path).chapters] == expected


# --- publishing a branch ------------------------------------------------------------------------------

def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_an_edition_is_committed_as_a_branch_without_touching_the_checkout(tmp_path):
    repo = tmp_path / "repo"
    (repo / "nnbook").mkdir(parents=True)
    (repo / "nnbook" / "__init__.py").write_text("")
    (repo / "binder").mkdir()
    (repo / "binder" / "requirements.txt").write_text(".\n")
    for name in ("pyproject.toml", "README.md", "Makefile"):
        (repo / name).write_text(name)
    git("init", "-q", "-b", "main", cwd=repo)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "start", cwd=repo)
    edition_dir = tmp_path / "edition"
    Outputs(edition_dir, tmp_path).write("chapters/01_x.ipynb", nbformat.writes(notebook()))
    before = git("status", "--porcelain", cwd=repo), git("branch", "--list", cwd=repo)
    commit = publish_edition.commit_edition(edition_dir, "notebooks", root=repo)
    assert git("ls-tree", "-r", "--name-only", commit, cwd=repo).splitlines() == [
        "README.md", "binder/requirements.txt", "chapters/01_x.ipynb", "nnbook/__init__.py", "pyproject.toml"]
    assert (git("status", "--porcelain", cwd=repo), git("branch", "--list", cwd=repo)) == before
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("push", "-q", str(remote), f"{commit}:refs/heads/notebooks", cwd=repo)
    assert git("rev-parse", "notebooks", cwd=remote) == commit


def test_an_empty_edition_is_not_published(tmp_path):
    with pytest.raises(ValueError, match="holds no notebook: write the edition first"):
        publish_edition.stage(tmp_path, tmp_path / "out")
