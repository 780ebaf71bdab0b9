"""The editions of the book for Jupyter and Colab (the reader's, the student's): every chapter as a
notebook in plain Jupyter Markdown. The command line is tools/make_notebooks.py; one module per job:

    book.py      the book (chapters, numbers: tools/book.py) and what its build computed
    markdown.py  the book's MyST parser, directives parsed as the build parses them
    convert.py   MyST in, Jupyter Markdown out: one rule per role and directive
    hidden.py    hidden code cells: which to drop, which to keep with their asserts made warnings
    edition.py   one chapter's edition, and every chapter's written (never over a person's edits)

Students run chapters in Colab or Jupyter, where MyST's roles and directives show as raw text.
The editions hold the same code cells as the chapters, with the markdown rewritten into what
Jupyter renders (CommonMark, `$...$` math, a little HTML). The markdown is parsed with the
book's own MyST parser (myst-parser on markdown-it-py), and only the MyST constructs it finds are
replaced; every other character of a cell stays as written. One rule per construct:

  {glue:text}`key:fmt`  the value the book's build computed (`_build/jupyter_execute/*.glue.json`),
                        formatted by myst-nb's own function; a key without a value is an error
  :::{exercise}         a heading "Exercise 5.2" (the number sphinx-exercise gives it), then its text
  ```{solution}         a folded <details><summary>Solution to Exercise 5.2</summary> ... </details>;
                        the student edition has no solutions (tools/make_student.py removes them)
  {doc}, {ref}          a link to the page of the published book (html.baseurl in _config.yml);
                        which page holds a label, the build's objects.inv says
  {admonition}, {note}, {warning}, ...   a blockquote that starts with the title in bold
A role, directive or Markdown construct without a rule stops the tool with its name and place.

Hidden code cells (tag `remove-cell`, the book's checks) must not stop a reader's run. A hidden
cell is removed when no later cell can need it: it binds no name that a later cell reads, changes
no object a later cell reads (an item or attribute assignment, a method call) and touches no
global state (random seeds and generators, module attributes, os.environ); this is decided from
the cells' syntax trees. A hidden cell that stays has each `assert` turned into a warning
("nnbook check failed: ..."). The first cell, which installs nnbook in Colab, stays, and installs
from the branch the edition is published on (`notebooks`, or `student` for the student edition).
The source chapters are not changed: `make test`, `make book` and `make bench` still fail on a
failed check.

Near the top of each chapter a note says which build the numbers come from. The tool needs a
built book (`make book`): glue values, objects.inv and the build record; it fails when a chapter's
code changed after the build. `--downloads` also puts the reader's edition where the book's
download button points (_build/html/_sources/chapters/*.ipynb).
"""
