"""Interactive figures that work in the static book, in Jupyter and in Colab.

The chapters build their interactive figures with plotly: slider steps and animation frames are
precomputed in the chapter and then run in the page, with no kernel behind it. `show(fig,
description)` puts one figure on the page in a form each place can draw:

- the built book (Jupyter Book / myst-nb) takes the ``text/html`` part: a ``<div>`` and a short
  script, *without* plotly.js, which the book serves once from its ``_static/`` folder (the
  Makefile copies ``plotly.min.js`` out of the plotly wheel), and without plotly's MathJax
  ``<script>`` that would be fetched from a CDN. There the figure's sliders and buttons are
  HTML controls (a range input, buttons) under the figure, which the keyboard and screen
  readers can use (plotly draws its own in SVG, for the mouse only); the figure is named by
  its title and described by ``description`` for screen readers;
- JupyterLab, Notebook 7 and VS Code take the ``application/vnd.plotly.v1+json`` part and draw it
  with the plotly extension that comes with the plotly package;
- Colab draws neither, so there ``fig.show()`` uses plotly's Colab renderer.
"""
import html
import itertools
import json
import re
import sys

from .checks import check_type
from .plots import check_alt_text

PLOTLY_MIME = "application/vnd.plotly.v1+json"
_ids = itertools.count(1)

_STYLE = """<style>
.nnbook-interactive { margin: 0; }
.nnbook-sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.nnbook-controls { display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; align-items: center;
  margin: 0.3em 0 0.8em; padding: 0.4em 0.8em; background: #fff; color: #222;
  border: 1px solid #767676; border-radius: 6px; }
.nnbook-slider { display: flex; align-items: center; gap: 0.6em; flex: 1 1 20em; }
.nnbook-slider input[type=range] { flex: 1 1 auto; accent-color: #0b57d0; }
.nnbook-slider output { min-width: 6em; font-variant-numeric: tabular-nums; }
.nnbook-controls button, .nnbook-controls select { font: inherit; color: #222; background: #f7f7f7;
  border: 1px solid #767676; border-radius: 4px; padding: 0.2em 0.7em; margin: 0.1em; cursor: pointer; }
.nnbook-controls button[aria-pressed=true] { background: #d0e1fb; border-color: #0b57d0; font-weight: 600; }
.nnbook-controls :focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
</style>"""

# Runs once the figure is drawn. A slider step or a button is plotly's own command, kept in the
# figure's (hidden) layout: {method: "update" | "restyle" | "relayout" | "animate", args: [...]},
# so the HTML controls do exactly what plotly's SVG ones would.
_SCRIPT = """<script>
(function () {
  var gd = document.getElementById(%(id)s);
  var box = document.getElementById(%(box)s);
  if (!gd || !box || box.dataset.ready || !window.Plotly) { return; }
  box.dataset.ready = "1";
  var title = document.getElementById(%(title)s), status = document.getElementById(%(status)s);
  function titleText() {
    var t = gd.layout && gd.layout.title;
    return (t && (t.text !== undefined ? t.text : t)) || "";
  }
  function run(command) {
    if (!command || !command.method || command.method === "skip") { return Promise.resolve(); }
    return Promise.resolve(Plotly[command.method].apply(null, [gd].concat(command.args || [])));
  }
  function announce() { status.textContent = titleText(); }
  function interrupted(reason) {   // plotly rejects an animation cut short by the next one with undefined
    if (reason !== undefined) { throw reason; }
  }
  gd.on("plotly_afterplot", function () { title.textContent = titleText(); });
  title.textContent = titleText();
  box.querySelectorAll("input[type=range]").forEach(function (input) {
    var steps = gd.layout.sliders[+input.dataset.slider].steps;
    var output = box.querySelector("output[for='" + input.id + "']");
    function show(k) {
      input.value = k;
      input.setAttribute("aria-valuetext", steps[k].label);
      output.textContent = steps[k].label;
    }
    input.addEventListener("input", function () {
      show(+input.value);
      run(steps[+input.value]).then(announce, interrupted);
    });
    gd.on("plotly_animatingframe", function (event) {   // the play button moves the slider too
      steps.forEach(function (step, k) {
        if (step.method === "animate" && step.args && [].concat(step.args[0])[0] === event.name) { show(k); }
      });
    });
  });
  box.querySelectorAll("button[data-menu]").forEach(function (button) {
    var menu = gd.layout.updatemenus[+button.dataset.menu];
    button.addEventListener("click", function () {
      box.querySelectorAll("button[data-menu='" + button.dataset.menu + "'][aria-pressed]").forEach(
        function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
      run(menu.buttons[+button.dataset.button]).then(announce, interrupted);
    });
  });
  box.querySelectorAll("select[data-menu]").forEach(function (select) {
    var menu = gd.layout.updatemenus[+select.dataset.menu];
    select.addEventListener("change", function () { run(menu.buttons[+select.value]).then(announce, interrupted); });
  });
})();
</script>"""


def _title(fig):
    title = fig.layout.title.text if fig.layout.title else None
    return title or ""


def _slider_name(slider, k):
    """A slider's accessible name: its current-value prefix ("epoch: " -> "epoch"), or its name."""
    prefix = slider.currentvalue.prefix if slider.currentvalue else None
    name = re.sub(r"[\s:=]+$", "", prefix or "") or slider.name
    if not name:
        raise ValueError(f"slider {k + 1} of an interactive figure needs a name that screen readers "
                         "can say: set its currentvalue.prefix (e.g. 'epoch: ') or its name")
    return name


def _controls(fig, fig_id):
    """HTML controls for the figure's visible sliders and button menus; hides plotly's own."""
    parts = []
    for k, slider in enumerate(fig.layout.sliders):
        if slider.visible is False:
            continue
        name, steps = _slider_name(slider, k), slider.steps
        if len(steps) < 2:
            raise ValueError(f"slider {name!r} of an interactive figure needs at least 2 steps, got {len(steps)}")
        active = slider.active or 0
        label = html.escape(str(steps[active].label), quote=True)
        input_id = f"{fig_id}-slider-{k}"
        parts.append(
            f'<div class="nnbook-slider"><label for="{input_id}">{html.escape(name)}</label>'
            f'<input type="range" id="{input_id}" data-slider="{k}" min="0" max="{len(steps) - 1}" '
            f'step="1" value="{active}" aria-valuetext="{label}">'
            f'<output for="{input_id}" aria-hidden="true">{label}</output></div>')
        slider.visible = False
    for k, menu in enumerate(fig.layout.updatemenus):
        if menu.visible is False:
            continue
        for j, button in enumerate(menu.buttons):
            if not str(button.label or "").strip():
                raise ValueError(f"button {j + 1} of menu {k + 1} of an interactive figure needs a "
                                 "label that screen readers can say")
        group = f' role="group" aria-label="{html.escape(menu.name, quote=True)}"' if menu.name else ""
        if menu.type == "dropdown" or menu.type is None:   # plotly's default is a drop-down
            options = "".join(f'<option value="{j}"{" selected" if j == (menu.active or 0) else ""}>'
                              f"{html.escape(b.label)}</option>" for j, b in enumerate(menu.buttons))
            name = html.escape(menu.name or "options", quote=True)
            parts.append(f'<div><select data-menu="{k}" aria-label="{name}">{options}</select></div>')
        else:
            # a menu that picks a state (which activation) says which button is on; play/pause do not
            picks = all(b.method != "animate" for b in menu.buttons)
            buttons = "".join(
                f'<button type="button" data-menu="{k}" data-button="{j}"'
                + (f' aria-pressed="{"true" if j == (menu.active or 0) else "false"}"' if picks else "")
                + f">{html.escape(b.label)}</button>" for j, b in enumerate(menu.buttons))
            parts.append(f"<div{group}>{buttons}</div>")
        menu.visible = False
    if not parts:
        return ""
    return f'<div class="nnbook-controls">{"".join(parts)}</div>'


def figure_html(fig, description=None):
    """The figure as an HTML fragment that expects plotly.js to be loaded by the page already.

    The figure must have a title (``layout.title.text``): with ``description`` (a few sentences
    on what it shows), it is what screen readers say for the picture; the title is read again
    whenever a control changes it. Sliders and button menus become HTML controls under the
    figure; each needs a name (a slider's ``currentvalue.prefix`` or ``name``, a button's label).
    """
    import plotly.graph_objects as go

    check_type("fig", fig, go.Figure, "a plotly Figure")
    if not _title(fig).strip():
        raise ValueError("an interactive figure needs a title (fig.update_layout(title=...)): "
                         "screen readers name the figure by it")
    if description is not None:
        description = check_alt_text("description", description)
    fig_id = f"nnbook-figure-{next(_ids)}"
    fig = go.Figure(fig)   # a copy: plotly's own controls are hidden in the book only
    controls = _controls(fig, fig_id)
    plot = fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False, auto_play=False,
                       div_id=fig_id, config={"displaylogo": False})
    described = f' aria-describedby="{fig_id}-description"' if description else ""
    text = (f'<p class="nnbook-sr-only" id="{fig_id}-title">{html.escape(_title(fig))}</p>'
            + (f'<p class="nnbook-sr-only" id="{fig_id}-description">{html.escape(description)}</p>'
               if description else "")
            + f'<p class="nnbook-sr-only" id="{fig_id}-status" role="status" aria-live="polite"></p>')
    script = _SCRIPT % {key: json.dumps(f"{fig_id}{suffix}") for key, suffix in
                        (("id", ""), ("box", "-box"), ("title", "-title"), ("status", "-status"))}
    # a <figure> named by the title and described by the description, holding the plot and its controls
    return (f'{_STYLE}<figure class="nnbook-interactive" id="{fig_id}-box" aria-labelledby="{fig_id}-title"'
            f'{described}>{plot}{text}{controls}</figure>' + script)


def show(fig, description=None):
    """Display a plotly figure so that it is drawn in the book, in Jupyter and in Colab.

    description: what the figure shows, in a few sentences, for readers who cannot see it
    (the book gives it to screen readers with the figure's title).
    """
    if "google.colab" in sys.modules:
        fig.show()
        return
    from IPython.display import display
    bundle = {PLOTLY_MIME: json.loads(fig.to_json()), "text/html": figure_html(fig, description),
              "text/plain": "(an interactive figure: open the book's page or run this in Jupyter)"}
    display(bundle, raw=True)
