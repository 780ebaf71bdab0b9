"""Plots used across the book: decision boundaries, activation functions, loss curves, digits.

Introduced in Chapter 1 (activations, one neuron's boundary) and Chapter 2 (loss curves);
Chapter 5 adds digit grids and confusion matrices. Every function takes ``ax=None`` (``axes``
for a grid), draws on it (or on a new figure) and returns it; none calls ``plt.show()``.
Colours come from seaborn's colour-blind-safe palette, and classes differ by marker as well as
by colour; nothing changes matplotlib's global style. ``show_figure(fig, alt)`` displays a
figure with a text alternative computed by the chapter (for screen readers).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from nnbook.checks import check_number, check_positive_int, check_type

# classes differ by marker as well as by colour (matplotlib markers; plotly: PLOTLY_SYMBOLS)
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")
PLOTLY_SYMBOLS = ("circle", "square", "triangle-up", "diamond", "triangle-down", "cross",
                  "x", "star", "hexagon", "triangle-left")
LINE_STYLES = ("-", "--", "-.", ":")   # curves differ by line style as well as by colour


def palette(n: int = 10) -> list[str]:
    """The first ``n`` colours (hex) of seaborn's colour-blind-safe palette (it repeats after 10)."""
    import seaborn as sns

    colours = sns.color_palette("colorblind").as_hex()
    return [colours[i % len(colours)] for i in range(check_positive_int("n", n))]


def class_colours(n: int = 2) -> list[str]:
    """Colours (hex) of classes 0, 1, ..., n-1: vermillion for 0 and blue for 1, as the red-blue
    shading of a decision boundary (low output red, high output blue), then the rest of the palette."""
    colours = palette(10)
    order = [3, 0, 1, 2, 4, 5, 6, 7, 8, 9]   # vermillion, blue, orange, green, ...
    return [colours[order[k % len(order)]] for k in range(check_positive_int("n", n))]


def _check_points(X, y):
    """X: (n_samples, 2) floats and y: (n_samples,) labels, as the 2-D plots take them."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel() if np.ndim(y) == 2 and 1 in np.shape(y) else np.asarray(y)  # (n, 1) -> (n,)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2), got shape {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must have shape (n_samples,) = ({len(X)},) to match X, got shape {y.shape}")
    return X, y


def scatter_classes(X, y, ax=None, label: str = "class {}", s: float = 40, **kwargs):
    """Scatter 2-D points, one marker and one colour per class (circle for class 0, square for 1, ...).

    X: (n_samples, 2) points; y: (n_samples,) integer class labels (0.0/1.0 floats work too).
    label: legend entry of a class, ``label.format(k)``. Further keyword arguments go to
    ``ax.scatter`` (e.g. ``zorder``). Returns ax.
    """
    X, y = _check_points(X, y)
    if len(y) and (not np.all(np.mod(y, 1) == 0) or y.min() < 0):
        raise ValueError(f"y must hold class labels 0, 1, 2, ..., got values {np.unique(y)[:5]}")
    check_type("label", label, str, "a format string such as 'class {}'")
    classes = np.unique(y).astype(int)
    colours = class_colours(max(classes.max() + 1, 2) if len(classes) else 2)
    ax = _get_ax(ax)
    for k in classes:
        points = X[y == k]
        ax.scatter(points[:, 0], points[:, 1], color=colours[k], marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
                   edgecolors="k", s=s, label=label.format(k), **kwargs)
    return ax


def _get_ax(ax, figsize=(5, 4)):
    """Return ``ax``, or the axes of a new figure when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X,
    y,
    ax=None,
    resolution: int = 200,
    padding: float = 0.5,
    levels: Sequence[float] = (0.5,),
    cmap: str = "RdBu",
    title: str | None = None,
):
    """Shade the plane by ``predict(points)``, draw its level-0.5 line, and scatter ``X`` by class.

    predict: maps an (m, 2) array of points to (m,) or (m, 1) scores or probabilities in [0, 1].
    X: (n_samples, 2) points; y: (n_samples,) labels 0/1, drawn as in ``scatter_classes``.
    cmap: the shading, low outputs red and high outputs blue by default (red-blue is colour-blind safe).
    resolution: grid points per axis; padding: margin around the data, in data units.
    levels: the contour levels drawn as lines (default: the 0.5 decision boundary).
    Returns ax.
    """
    check_type("predict", predict, Callable, "callable")
    X, y = _check_points(X, y)
    if check_positive_int("resolution", resolution) < 2:
        raise ValueError(f"resolution must be >= 2 (grid points per axis), got {resolution}")
    padding = check_number("padding", padding, low=0.0)

    x_min, y_min = X.min(axis=0) - padding
    x_max, y_max = X.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])  # (resolution**2, 2)
    scores = np.asarray(predict(grid), dtype=float)
    if scores.shape not in ((len(grid),), (len(grid), 1)):
        raise ValueError(
            f"predict must return shape (m,) or (m, 1) for m = {len(grid)} input points, got shape {scores.shape}"
        )
    Z = scores.reshape(xx.shape)

    ax = _get_ax(ax)
    ax.contourf(xx, yy, Z, levels=np.linspace(0, 1, 21), cmap=cmap, alpha=0.5, extend="both")
    if levels:
        ax.contour(xx, yy, Z, levels=sorted(levels), colors="k", linewidths=1.5)
    scatter_classes(X, y, ax=ax, zorder=3)   # class 0 circles, class 1 squares
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_activation(
    f: Callable[[np.ndarray], np.ndarray],
    df: Callable[[np.ndarray], np.ndarray] | None = None,
    z=None,
    ax=None,
    label: str | None = None,
):
    """Plot an activation function ``f`` (solid) and, if given, its derivative ``df`` (dashed).

    f, df: element-wise functions of a NumPy array.
    z: (n,) points to evaluate at (default: 401 points in [-5, 5]).
    label: legend name of f, e.g. "sigmoid"; the derivative is labelled with a prime.
    Returns ax.
    """
    check_type("f", f, Callable, "callable")
    check_type("df", df, Callable, "callable", allow_none=True)
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z, dtype=float)
    if z.ndim != 1 or len(z) < 2:
        raise ValueError(f"z must be a 1-D array of at least 2 points, got shape {z.shape}")
    name = label if label is not None else getattr(f, "__name__", "f")

    ax = _get_ax(ax)
    line, = ax.plot(z, np.asarray(f(z), dtype=float), color=palette(1)[0], label=name)
    if df is not None:
        ax.plot(z, np.asarray(df(z), dtype=float), linestyle="--", color=line.get_color(), label=f"{name}'")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set_xlabel("$z$")
    ax.legend()
    return ax


def plot_loss_curves(curves, ax=None, logy: bool = False, xlabel: str = "epoch", ylabel: str = "loss"):
    """Plot one or more loss curves against the step (epoch) number.

    curves: dict label -> sequence of values, or a single sequence of values. Each curve has its
    own colour (colour-blind palette) and line style (solid, dashed, dash-dot, dotted, ...).
    logy: use a logarithmic y axis (values must then be positive).
    Returns ax.
    """
    if isinstance(curves, Mapping):
        items = list(curves.items())
    elif isinstance(curves, (str, bytes)) or not hasattr(curves, "__len__"):
        raise TypeError(f"curves must be a dict label -> sequence, or a sequence of numbers, "
                        f"got {type(curves).__name__}")
    else:
        items = [(None, curves)]
    if not items:
        raise ValueError("curves must not be empty, got an empty dict")
    checked = []
    for label, values in items:
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or len(values) == 0:
            raise ValueError(f"curve {label!r} must be a non-empty 1-D sequence of numbers, got shape {values.shape}")
        if logy and np.any(values <= 0):
            raise ValueError(f"logy=True needs positive values, but curve {label!r} has min {values.min()}")
        checked.append((label, values))

    ax = _get_ax(ax)
    colours = palette(len(checked))
    for k, (label, values) in enumerate(checked):
        ax.plot(np.arange(1, len(values) + 1), values, label=label, color=colours[k],
                linestyle=LINE_STYLES[k % len(LINE_STYLES)])
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if any(label is not None for label, _ in checked):
        ax.legend()
    return ax


# --- MNIST (Chapter 5): digit grids and confusion matrices ------------------------------------

def _as_numpy(values, name: str) -> np.ndarray:
    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    if not isinstance(values, (np.ndarray, list, tuple)):
        raise TypeError(f"{name} must be an array, a tensor or a list, got {type(values).__name__}")
    return np.asarray(values)


def show_digits(images, labels=None, predicted=None, ncols: int = 5, axes=None):
    """Show square grey-scale images in a grid, titled with their labels (and predictions).

    images: (n, 784) rows of pixels or (n, 28, 28) images (any square size; any value range).
    labels: (n,) true labels or None; predicted: (n,) predicted labels or None; a wrong
    prediction's title names both labels and is vermillion (the palette's red). ncols: images per
    row. axes: an array of at least n axes, or None for a new figure. Returns the axes (a flat array).
    """
    images = _as_numpy(images, "images")
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"rows of images must hold a square number of pixels, got {images.shape[1]}")
        images = images.reshape(len(images), side, side)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (n, side*side) or (n, side, side) with n >= 1, got {images.shape}")
    n = len(images)
    labels = None if labels is None else _as_numpy(labels, "labels")
    predicted = None if predicted is None else _as_numpy(predicted, "predicted")
    for name, values in (("labels", labels), ("predicted", predicted)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} must have one entry per image ({n}), got {len(values)}")
    ncols = check_positive_int("ncols", ncols)
    if axes is None:
        import matplotlib.pyplot as plt

        nrows = -(-n // ncols)  # ceil(n / ncols)
        _, axes = plt.subplots(nrows, min(ncols, n), figsize=(1.6 * min(ncols, n), 1.9 * nrows), squeeze=False)
    axes = np.asarray(axes).ravel()
    if len(axes) < n:
        raise ValueError(f"axes must hold at least one axis per image ({n}), got {len(axes)}")
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r")
        if predicted is not None:
            wrong = labels is not None and predicted[i] != labels[i]
            title = f"pred {predicted[i]}" + (f" (true {labels[i]})" if labels is not None else "")
            ax.set_title(title, fontsize=9, color=class_colours(1)[0] if wrong else "black")
        elif labels is not None:
            ax.set_title(f"label {labels[i]}", fontsize=9)
    return axes


def plot_confusion_matrix(y_true, y_pred, ax=None, n_classes: int | None = None):
    """Draw the confusion matrix (rows: true class, columns: predicted class) as an annotated heatmap.

    y_true, y_pred: (n,) integer labels; n_classes: number of classes (default: the largest
    label + 1). Counts come from scikit-learn, the heatmap from seaborn. Returns ax.
    """
    y_true, y_pred = _as_numpy(y_true, "y_true"), _as_numpy(y_pred, "y_pred")
    if y_true.ndim != 1 or y_pred.ndim != 1 or len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError(f"y_true and y_pred must be 1-D with the same non-zero length, got shapes "
                         f"{y_true.shape} and {y_pred.shape}")
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.issubdtype(values.dtype, np.integer):
            raise TypeError(f"{name} must hold integer labels, got dtype {values.dtype}")
        if values.min() < 0:
            raise ValueError(f"{name} must hold non-negative labels, got {values.min()}")
    largest = int(max(y_true.max(), y_pred.max()))
    n_classes = largest + 1 if n_classes is None else check_positive_int("n_classes", n_classes)
    if n_classes <= largest:
        raise ValueError(f"n_classes must be larger than every label (largest {largest}), got {n_classes}")
    import seaborn as sns
    from matplotlib.colors import LogNorm
    from sklearn.metrics import confusion_matrix

    counts = confusion_matrix(y_true, y_pred, labels=np.arange(n_classes))
    ax = _get_ax(ax, figsize=(6, 5))
    annot = np.where(counts > 0, counts.astype(str), "")  # empty cells stay blank
    log_scale = LogNorm(vmin=1, vmax=max(int(counts.max()), 2))  # a few mistakes still show beside thousands of hits
    sns.heatmap(counts, annot=annot, fmt="", cmap="Blues", cbar=False, square=True, ax=ax,
                annot_kws={"fontsize": 8}, norm=log_scale)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    return ax


# --- Text alternatives: what a screen reader reads instead of the picture ---------------------

MIN_ALT_WORDS = 8   # a description says what the axes, curves or points show and what stands out
_FILE_LIKE = re.compile(r"\S+\.(png|jpe?g|gif|svg|webp|pdf)\b"      # a file name
                        r"|(^|\s)\.{0,2}/\S+"                         # /abs, ./rel, ../up
                        r"|\b[0-9a-f]{24,}\b", re.IGNORECASE)         # a hash (myst-nb's file names)


def alt_text_problem(text, min_words: int = MIN_ALT_WORDS) -> str | None:
    """What is wrong with ``text`` as a figure's description (None when nothing is): empty,
    a file name or a path, or fewer than ``min_words`` words."""
    if not isinstance(text, str) or not text.strip():
        return "it is empty"
    found = _FILE_LIKE.search(text)
    if found:
        return f"it names a file or a path ({found.group(0).strip()!r}), not what the figure shows"
    words = len(text.split())
    if words < min_words:
        return f"it has {words} word{'s' if words > 1 else ''}, fewer than {min_words}"
    return None


def check_alt_text(name: str, text) -> str:
    """Return ``text`` with its white space tidied when it describes a figure in words (see
    ``alt_text_problem``); otherwise raise ValueError (TypeError for a non-string)."""
    check_type(name, text, str, "a string that describes the figure")
    problem = alt_text_problem(text)
    if problem:
        raise ValueError(f"{name} must describe what the figure shows in at least {MIN_ALT_WORDS} "
                         f"words, not a file name, but {problem}: got {text!r}")
    return " ".join(text.split())


def show_figure(fig, alt: str) -> None:
    """Display a matplotlib figure as a PNG image with the text alternative ``alt``, and close it.

    For figures whose description holds numbers the chapter computes (an f-string); a fixed
    description goes into the cell's metadata instead (``mystnb: image: alt:``). The book, Jupyter
    and Colab show the ``text/html`` part, an ``<img alt=...>`` carrying the PNG; front ends
    without HTML take the plain PNG. Call it once per figure, where the cell would end with
    ``plt.show()``.
    """
    import base64
    import html
    import io

    import matplotlib.pyplot as plt
    from IPython.display import display
    from matplotlib.figure import Figure

    check_type("fig", fig, Figure, "a matplotlib Figure")
    alt = check_alt_text("alt", alt)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")   # as Jupyter's inline backend draws it
    plt.close(fig)                                           # so the backend does not show it again
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    image = f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}">'
    display({"text/html": image, "image/png": png, "text/plain": f"[figure: {alt}]"}, raw=True)


# --- Diagrams: a neuron and a layered network, drawn from their sizes -------------------------

def draw_neuron(d: int = 3, ax=None, activation: str = "g"):
    """A neuron with ``d`` inputs: x_j --w_j--> [z = Σ_j w_j x_j + b] --> [a = g(z)]. Returns ax."""
    import matplotlib.pyplot as plt

    d = check_positive_int("d", d)
    check_type("activation", activation, str, "the activation's name, e.g. 'g' or 'σ'")
    ax = _get_ax(ax, figsize=(6, 0.9 * d + 1.2))
    ys = np.linspace(d - 1, 0, d) - (d - 1) / 2
    for j, yj in enumerate(ys, start=1):
        ax.add_patch(plt.Circle((0, yj), 0.28, fc="white", ec="k"))
        ax.text(0, yj, f"$x_{j}$", ha="center", va="center")
        ax.annotate("", xy=(2.55, 0), xytext=(0.28, yj), arrowprops=dict(arrowstyle="->", lw=1))
        ax.text(1.2, yj * 0.62 + 0.12, f"$w_{j}$", ha="center", va="bottom", fontsize=11)
    ax.add_patch(plt.Circle((3, 0), 0.45, fc="#dde8f5", ec="k"))
    ax.text(3, 0, "$z$", ha="center", va="center", fontsize=13)
    ax.text(3, -0.75, "$z = \\sum_j w_j x_j + b$", ha="center", va="top", fontsize=10)
    ax.annotate("", xy=(3, 0.45), xytext=(3, 1.1), arrowprops=dict(arrowstyle="->", lw=1))
    ax.text(3, 1.15, "$b$", ha="center", va="bottom")
    ax.annotate("", xy=(4.55, 0), xytext=(3.45, 0), arrowprops=dict(arrowstyle="->", lw=1))
    ax.text(4, 0.1, f"${activation}$", ha="center", va="bottom")
    ax.add_patch(plt.Circle((5, 0), 0.45, fc="#f5e6dd", ec="k"))
    ax.text(5, 0, "$a$", ha="center", va="center", fontsize=13)
    ax.text(5, -0.75, f"$a = {activation}(z)$", ha="center", va="top", fontsize=10)
    ax.set_xlim(-0.6, 5.8)
    ax.set_ylim(min(ys.min(), -1.2) - 0.5, max(ys.max(), 1.2) + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def network_weight_labels(sizes: Sequence[int]) -> list[tuple[int, int, int]]:
    """The weights ``draw_network`` writes on its edges, as (l, j, k) for w^{[l]}_{jk}: every edge of
    a layer with at most 6 edges, otherwise the edges into the layer's first unit (k = 1)."""
    labelled = []
    for l in range(1, len(sizes)):
        n_in, n_out = sizes[l - 1], sizes[l]
        for j in range(1, n_in + 1):
            for k in range(1, n_out + 1):
                if n_in * n_out <= 6 or k == 1:
                    labelled.append((l, j, k))
    return labelled


def draw_network(sizes: Sequence[int], ax=None):
    """A fully connected network with layer sizes ``sizes`` = [n_0, n_1, ..., n_L], layer l at x = l.

    Units are numbered from 1 (top) within a layer; the edge from unit j of layer l-1 to unit k of
    layer l is the weight w^{[l]}_{jk}, row j and column k of W^{[l]}, and those listed by
    ``network_weight_labels(sizes)`` are written on their edges. Returns ax.
    """
    import matplotlib.pyplot as plt

    check_type("sizes", sizes, Sequence, "a list of layer sizes [n_0, n_1, ..., n_L]")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output layer, got {list(sizes)}")
    sizes = [check_positive_int(f"sizes[{i}]", n) for i, n in enumerate(sizes)]
    L = len(sizes) - 1
    ax = _get_ax(ax, figsize=(2.6 * L + 1.5, 0.9 * max(sizes) + 1.5))
    gap_x = 2.6
    position = {(l, j): (gap_x * l, (n + 1) / 2 - j) for l, n in enumerate(sizes) for j in range(1, n + 1)}
    labelled = set(network_weight_labels(sizes))
    for l in range(1, L + 1):
        n_out = sizes[l]
        for j in range(1, sizes[l - 1] + 1):
            for k in range(1, n_out + 1):
                (x0, y0), (x1, y1) = position[(l - 1, j)], position[(l, k)]
                ax.plot([x0, x1], [y0, y1], color="0.55", lw=0.9, zorder=1)
                if (l, j, k) in labelled:
                    # a place of its own along the edge for each label: edges into the same unit
                    # meet there, so their labels must not sit at the same fraction of the way
                    # (into a single unit the edges fan in: near their sources they are far apart)
                    rank = (k - 1) * sizes[l - 1] + (j - 1)
                    t = 0.3 if n_out == 1 else 0.25 + 0.5 * rank / max(sizes[l - 1] * n_out - 1, 1)
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), f"$w^{{[{l}]}}_{{{j}{k}}}$",
                            ha="center", va="center", fontsize=9, zorder=3,
                            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.9))
    for (l, j), (x, y) in position.items():
        ax.add_patch(plt.Circle((x, y), 0.3, fc="#dde8f5" if 0 < l < L else "white", ec="k", zorder=2))
        text = f"$x_{j}$" if l == 0 else (f"$a^{{[{l}]}}_{j}$" if l < L else
                                          ("$\\hat y$" if sizes[L] == 1 else f"$\\hat y_{j}$"))
        ax.text(x, y, text, ha="center", va="center", fontsize=9, zorder=4)
    top = (max(sizes) + 1) / 2
    for l, n in enumerate(sizes):
        name = "input" if l == 0 else ("output" if l == L else "hidden")
        ax.text(gap_x * l, top + 0.1, f"layer {l}\n{name}, $n^{{[{l}]}} = {n}$", ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.6, gap_x * L + 0.6)
    ax.set_ylim(-top - 0.1, top + 1.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
