"""Interactive figures that work in the static book, in Jupyter and in Colab.

The chapters build their interactive figures with plotly: slider steps and animation frames are
precomputed in the chapter and then run in the page, with no kernel behind it. `show(fig)` puts
one figure on the page in a form each place can draw:

- the built book (Jupyter Book / myst-nb) takes the ``text/html`` part: a ``<div>`` and a short
  script, *without* plotly.js, which the book serves once from its ``_static/`` folder (the
  Makefile copies ``plotly.min.js`` out of the plotly wheel), and without plotly's MathJax
  ``<script>`` that would be fetched from a CDN;
- JupyterLab, Notebook 7 and VS Code take the ``application/vnd.plotly.v1+json`` part and draw it
  with the plotly extension that comes with the plotly package;
- Colab draws neither, so there ``fig.show()`` uses plotly's Colab renderer.
"""
import json
import sys

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def figure_html(fig):
    """The figure as an HTML fragment that expects plotly.js to be loaded by the page already."""
    return fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False, auto_play=False,
                       config={"displaylogo": False})


def show(fig):
    """Display a plotly figure so that it is drawn in the book, in Jupyter and in Colab."""
    if "google.colab" in sys.modules:
        fig.show()
        return
    from IPython.display import display
    bundle = {PLOTLY_MIME: json.loads(fig.to_json()), "text/html": figure_html(fig),
              "text/plain": "(an interactive figure: open the book's page or run this in Jupyter)"}
    display(bundle, raw=True)
