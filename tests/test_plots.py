"""Tests for nnbook.plots: each helper draws on the axes it is given and rejects bad input."""

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook.plots import (CLASS_MARKERS, LINE_STYLES, alt_text_problem, check_alt_text, class_colours,
                          palette, plot_activation, plot_decision_boundary, plot_loss_curves,
                          scatter_classes, show_figure)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-1, 0.5, (10, 2)), rng.normal(1, 0.5, (10, 2))])
    y = np.repeat([0, 1], 10)
    return X, y


def logistic_predict(points):
    return 1 / (1 + np.exp(-(points[:, 0] + points[:, 1])))


# --- plot_decision_boundary -------------------------------------------------------------


def test_decision_boundary_line_is_where_predict_is_one_half(ax, blobs):
    # the black line drawn is the 0.5 level of predict: for sigmoid(x1 + x2) the line x1 + x2 = 0
    X, y = blobs
    out = plot_decision_boundary(logistic_predict, X, y, ax=ax, resolution=50)
    filled, line, class_0, class_1 = ax.collections
    vertices = np.concatenate([path.vertices for path in line.get_paths()])
    assert out is ax and len(vertices) > 10
    assert np.abs(vertices.sum(axis=1)).max() < 1e-3  # linear interpolation between grid points


def test_decision_boundary_scatters_every_point_by_class(ax, blobs):
    # the data points are drawn where they are, one collection (colour and marker) per class
    X, y = blobs
    plot_decision_boundary(logistic_predict, X, y, ax=ax, resolution=10)
    class_0, class_1 = ax.collections[-2:]
    assert np.array_equal(class_0.get_offsets(), X[y == 0]) and np.array_equal(class_1.get_offsets(), X[y == 1])


def test_decision_boundary_accepts_column_output_and_labels(ax, blobs):
    # predict may return (m, 1) and y may be (n, 1), as a network's outputs and targets are
    X, y = blobs
    plot_decision_boundary(lambda p: logistic_predict(p)[:, None], X, y[:, None], ax=ax, resolution=20)
    assert np.array_equal(ax.collections[-1].get_offsets(), X[y == 1])


def test_decision_boundary_creates_ax_when_none(blobs):
    # without ax, a new Axes is made and returned
    X, y = blobs
    out = plot_decision_boundary(logistic_predict, X, y, resolution=10)
    assert isinstance(out, matplotlib.axes.Axes)
    plt.close(out.figure)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(X=np.zeros((5, 3)), y=np.zeros(5)), ValueError, r"X must have shape \(n_samples, 2\), got shape \(5, 3\)"),
    (dict(X=np.zeros(6), y=np.zeros(3)), ValueError, r"X must have shape \(n_samples, 2\)"),
    (dict(y=np.zeros(19)), ValueError, r"y must have shape \(n_samples,\) = \(20,\)"),
    (dict(predict=lambda p: np.zeros((len(p), 2))), ValueError, "predict must return shape"),
    (dict(predict=np.zeros(3)), TypeError, "predict must be callable"),
    (dict(resolution=1), ValueError, "resolution must be >= 2"),
    (dict(resolution=0), ValueError, "resolution must be a positive int, got 0"),
    (dict(resolution=20.5), TypeError, "resolution must be a positive int, got float"),
    (dict(padding=-1), ValueError, "padding must be >= 0"),
    (dict(padding="wide"), TypeError, "padding must be a number"),
])
def test_decision_boundary_rejects_bad_arguments(ax, blobs, kwargs, error, match):
    # two columns, one label per row, a function returning one score per point, a real grid
    X, y = blobs
    arguments = dict(predict=logistic_predict, X=X, y=y, ax=ax, resolution=10)
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        plot_decision_boundary(**arguments)


# --- plot_activation ---------------------------------------------------------------------


def test_activation_draws_function_solid_and_derivative_dashed(ax):
    # f and df give two lines through their values, the derivative dashed
    z = np.linspace(-2, 2, 9)
    out = plot_activation(np.tanh, lambda z: 1 - np.tanh(z) ** 2, z=z, ax=ax, label="tanh")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert out is ax
    assert np.allclose(lines["tanh"].get_ydata(), np.tanh(z)) and lines["tanh"].get_linestyle() == "-"
    assert np.allclose(lines["tanh'"].get_ydata(), 1 - np.tanh(z) ** 2) and lines["tanh'"].get_linestyle() == "--"


def test_activation_without_derivative_draws_one_curve_named_after_f(ax):
    # with df=None only f is drawn (plus the two grey axis lines), labelled with the function's name
    plot_activation(np.tanh, z=np.linspace(-2, 2, 5), ax=ax)
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == ["tanh"]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(f=3.0), TypeError, "f must be callable, got float"),
    (dict(df="tanh'"), TypeError, "df must be callable or None, got str"),
    (dict(z=np.zeros((3, 3))), ValueError, "z must be a 1-D array of at least 2 points"),
    (dict(z=[0.0]), ValueError, "z must be a 1-D array of at least 2 points"),
])
def test_activation_rejects_bad_arguments(ax, kwargs, error, match):
    # f and df are functions, z a 1-D grid
    arguments = dict(f=np.tanh, ax=ax)
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        plot_activation(**arguments)


# --- plot_loss_curves --------------------------------------------------------------------


def test_loss_curves_draw_one_labelled_line_per_curve(ax):
    # a dict of two curves gives two labelled lines with the given values
    out = plot_loss_curves({"lr 0.1": [3, 2, 1], "lr 1": [3, 1, 0.5]}, ax=ax)
    assert out is ax
    assert [line.get_label() for line in ax.get_lines()] == ["lr 0.1", "lr 1"]
    assert list(ax.get_lines()[1].get_ydata()) == [3, 1, 0.5]


def test_loss_curves_accepts_single_sequence(ax):
    # a plain list is one curve, plotted against steps 1..n
    plot_loss_curves([0.9, 0.5, 0.2], ax=ax)
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [1, 2, 3]


def test_loss_curves_logy_sets_log_scale(ax):
    # logy=True gives a logarithmic y axis
    plot_loss_curves([1.0, 0.1, 0.01], ax=ax, logy=True)
    assert ax.get_yscale() == "log"


@pytest.mark.parametrize("curves, kwargs, error, match", [
    ({}, {}, ValueError, "curves must not be empty"),
    ({"a": []}, {}, ValueError, "curve 'a' must be a non-empty 1-D sequence"),
    ([1.0, 0.0], dict(logy=True), ValueError, "logy=True needs positive values"),
    (0.5, {}, TypeError, "curves must be a dict label -> sequence, or a sequence of numbers, got float"),
    ("loss", {}, TypeError, "curves must be a dict"),
])
def test_loss_curves_rejects_bad_arguments(ax, curves, kwargs, error, match):
    # at least one non-empty curve; positive values on a log axis
    with pytest.raises(error, match=match):
        plot_loss_curves(curves, ax=ax, **kwargs)


# --- colours, markers and line styles: never colour alone --------------------------------


def test_palette_is_seaborns_colour_blind_palette_and_repeats():
    # the first colours are seaborn's "colorblind"; asking for more repeats it
    import seaborn as sns
    assert palette(3) == sns.color_palette("colorblind").as_hex()[:3]
    assert palette(12)[10:] == palette(2)


def test_class_colours_match_the_red_blue_shading():
    # class 0 vermillion (low outputs are red), class 1 blue, then other colours of the palette
    assert class_colours(2) == [palette()[3], palette()[0]]
    assert len(set(class_colours(5))) == 5


def test_scatter_classes_gives_each_class_a_marker_a_colour_and_a_label(ax, blobs):
    # two classes: two collections with different markers and colours, labelled for a legend
    X, y = blobs
    assert scatter_classes(X, y.astype(float), ax=ax, label="y = {}") is ax
    zero, one = ax.collections
    assert [c.get_label() for c in ax.collections] == ["y = 0", "y = 1"]
    assert not np.array_equal(zero.get_paths()[0].vertices, one.get_paths()[0].vertices)   # circle vs square
    assert np.allclose(zero.get_facecolor()[0], matplotlib.colors.to_rgba(class_colours()[0]))
    assert CLASS_MARKERS[:2] == ("o", "s")


@pytest.mark.parametrize("X, y, match", [
    (np.zeros((4, 3)), np.zeros(4), r"X must have shape \(n_samples, 2\)"),
    (np.zeros((4, 2)), np.zeros(3), r"y must have shape \(n_samples,\) = \(4,\)"),
    (np.zeros((2, 2)), np.array([0.5, 1.0]), "class labels 0, 1, 2"),
    (np.zeros((2, 2)), np.array([-1, 1]), "class labels 0, 1, 2"),
])
def test_scatter_classes_rejects_bad_arguments(ax, X, y, match):
    # points are 2-D, one label each, labels are 0, 1, 2, ...
    with pytest.raises(ValueError, match=match):
        scatter_classes(X, y, ax=ax)


def test_loss_curves_differ_by_colour_and_by_line_style(ax):
    # four curves: four palette colours and four line styles
    plot_loss_curves({f"lr {k}": [3, 2, 1] for k in range(4)}, ax=ax)
    lines = ax.get_lines()
    assert [matplotlib.colors.to_hex(line.get_color()) for line in lines] == palette(4)
    assert [line.get_linestyle() for line in lines] == list(LINE_STYLES)


# --- text alternatives --------------------------------------------------------------------


@pytest.mark.parametrize("text, problem", [
    ("", "empty"),
    ("   ", "empty"),
    (None, "empty"),
    ("../_images/960ba79e4f31.png", "names a file or a path"),
    ("figure_1.png", "names a file"),
    ("/home/me/plot", "names a file or a path"),
    ("960ba79e960ba79e960ba79e960ba79e", "names a file or a path"),
    ("a loss curve", "3 words, fewer than 8"),
])
def test_alt_text_problem_names_what_is_wrong(text, problem):
    # empty, a file name, a path or a hash (myst-nb's file names), or too short to describe
    assert problem in alt_text_problem(text)


def test_alt_text_problem_accepts_a_description_with_fractions():
    # a slash inside a formula is no path
    assert alt_text_problem("The best line x1 + x2 = 1/2 gets three of the four points right.") is None


def test_check_alt_text_raises_with_the_rule_and_tidies_white_space():
    assert check_alt_text("alt", " one  two three\nfour five six seven eight ") == "one two three four five six seven eight"
    with pytest.raises(ValueError, match="alt must describe what the figure shows in at least 8 words"):
        check_alt_text("alt", "plot.png")
    with pytest.raises(TypeError, match="alt must be a string"):
        check_alt_text("alt", 3)


@pytest.fixture
def displayed(monkeypatch):
    import IPython.display
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    return shown


def test_show_figure_displays_an_image_with_its_alt_text_and_closes_the_figure(displayed):
    # the HTML part is an <img> whose alt is the description (escaped) and whose source is the PNG
    import base64
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    show_figure(fig, alt='A falling line from (0, 1) to (1, 0), "steep" & straight.')
    (bundle, raw), = displayed
    assert raw and set(bundle) == {"text/html", "image/png", "text/plain"}
    assert 'alt="A falling line from (0, 1) to (1, 0), &quot;steep&quot; &amp; straight."' in bundle["text/html"]
    assert f'src="data:image/png;base64,{bundle["image/png"]}"' in bundle["text/html"]
    assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)   # Jupyter's inline backend will not show it again


@pytest.mark.parametrize("fig, alt, error, match", [
    ("figure", "A falling line from the top left to the bottom right.", TypeError, "fig must be a matplotlib Figure"),
    (None, "", ValueError, "alt must describe"),
    (None, "../_images/abc.png", ValueError, "names a file or a path"),
    (None, 42, TypeError, "alt must be a string"),
])
def test_show_figure_rejects_bad_arguments(displayed, fig, alt, error, match):
    figure = plt.figure() if fig is None else fig
    with pytest.raises(error, match=match):
        show_figure(figure, alt=alt)
    plt.close("all")
    assert not displayed
