"""nnbook: the helpers of the course book, one module per idea.

Import what you need from its module (``from nnbook.data import load_mnist``).
Importing the package does nothing else: no seeding, no style changes, no downloads.
"""

__version__ = "0.1.0"
