"""python -m tools.grade FOLDER: see tools/grade/cli.py."""
from tools.grade.cli import main

main()
