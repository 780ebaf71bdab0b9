"""The neuron and network diagrams (Chapters 1 and 2): drawn from the sizes, labelled by the book's
convention w^{[l]}_{jk} (unit j of layer l-1 to unit k of layer l), bad sizes refused."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nnbook.plots import draw_network, draw_neuron, network_weight_labels  # noqa: E402


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_network_draws_every_edge_and_unit_of_its_sizes():
    ax = draw_network([2, 2, 4, 1])
    edges = [line for line in ax.lines]
    assert len(edges) == 2 * 2 + 2 * 4 + 4 * 1          # one line per weight
    assert len(ax.patches) == 2 + 2 + 4 + 1               # one circle per unit
    assert "$a^{[2]}_4$" in texts(ax) and "$\\hat y$" in texts(ax)
    plt.close(ax.figure)


def test_network_writes_the_weights_by_the_books_convention():
    labels = network_weight_labels([2, 2, 4, 1])
    # layer 1 (4 edges): all; layer 2 (8 edges): those into unit 1; layer 3 (4 edges): all
    assert labels == [(1, 1, 1), (1, 1, 2), (1, 2, 1), (1, 2, 2), (2, 1, 1), (2, 2, 1),
                      (3, 1, 1), (3, 2, 1), (3, 3, 1), (3, 4, 1)]
    ax = draw_network([2, 2, 4, 1])
    written = [t for t in texts(ax) if t.startswith("$w^")]
    assert written == [f"$w^{{[{l}]}}_{{{j}{k}}}$" for l, j, k in labels]
    # w^{[l]}_{jk} sits on the edge from unit j of layer l-1 to unit k of layer l
    w = next(t for t in ax.texts if t.get_text() == "$w^{[1]}_{12}$")
    x, y = w.get_position()
    assert 0 < x < 2.6 and -0.5 < y < 0.5                  # between x_1 (y=0.5) and a_2 (y=-0.5)
    plt.close(ax.figure)


def test_neuron_has_an_input_and_a_weight_per_input():
    ax = draw_neuron(3)
    assert {"$x_1$", "$x_3$", "$w_3$", "$b$", "$z$", "$a$"} <= set(texts(ax))
    plt.close(ax.figure)


@pytest.mark.parametrize("sizes, error", [([3], ValueError), ([2, 0, 1], ValueError), ([2, 1.5], TypeError),
                                          ("221", ValueError)])
def test_bad_sizes_are_refused_with_the_rule(sizes, error):
    with pytest.raises((error, TypeError, ValueError), match="sizes"):
        draw_network(sizes)
