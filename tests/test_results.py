"""Tests of nnbook.results: report shows and (when asked) saves, recorded_results reads, glue hands on."""

import json

import pytest

from nnbook.results import glue, recorded_results, report


@pytest.fixture(autouse=True)
def results_in_tmp(monkeypatch, tmp_path):
    monkeypatch.setenv("NNBOOK_RESULTS_DIR", str(tmp_path))
    return tmp_path


def test_report_writes_machine_readable_json(tmp_path):
    # the numbers shown are the numbers saved, under the chapter's name
    report("99_demo", [{"name": "test accuracy", "value": 98.123, "unit": "%", "reference": 97.68}])
    saved = json.loads((tmp_path / "99_demo.json").read_text())
    assert saved["chapter"] == "99_demo"
    assert saved["results"][0]["value"] == pytest.approx(98.123)
    assert saved["results"][0]["reference"] == pytest.approx(97.68)


def test_report_shows_value_beside_reference():
    # the HTML and text forms both carry the value and the reference
    table = report("99_demo", [{"name": "acc", "value": 98.1, "unit": "%", "reference": 97.68, "target": "≥ 98%"}])
    assert "98.10%" in table._repr_html_() and "97.68%" in table._repr_html_()
    assert "98.10%" in repr(table) and "≥ 98%" in repr(table)


def test_report_accepts_numpy_scalars():
    # numpy floats and ints from a notebook are saved as plain JSON numbers
    np = pytest.importorskip("numpy")
    table = report("99_demo", [{"name": "a", "value": np.float32(0.5)}, {"name": "b", "value": np.int64(3)}])
    assert table.rows[0]["value"] == 0.5 and table.rows[1]["value"] == 3
    assert isinstance(table.rows[1]["value"], int)


def test_report_shows_whole_numbers_as_whole():
    # a count (parameters, correct answers) is shown as 23, not 23.00
    table = report("99_demo", [{"name": "parameters", "value": 23, "reference": 23}])
    assert "<td>23</td><td>23</td>" in table._repr_html_()


def test_report_save_false_writes_nothing(tmp_path):
    # save=False only shows
    report("99_demo", [{"name": "a", "value": 1}], save=False)
    assert not (tmp_path / "99_demo.json").exists()


def test_report_writes_nothing_for_a_reader(monkeypatch, tmp_path):
    # without NNBOOK_RESULTS_DIR (a student running a chapter) nothing lands in the home folder
    monkeypatch.delenv("NNBOOK_RESULTS_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    table = report("99_demo", [{"name": "a", "value": 1}])
    assert table.path is None and not (tmp_path / "home").exists() and not (tmp_path / "cache").exists()


def test_a_later_chapter_reads_what_an_earlier_one_recorded():
    # recorded_results gives back the saved rows by name
    report("98_earlier", [{"name": "test accuracy", "value": 97.5, "unit": "%"}, {"name": "parameters", "value": 7850}])
    rows = recorded_results("98_earlier")
    assert rows["test accuracy"]["value"] == 97.5 and rows["parameters"]["value"] == 7850


def test_recorded_results_of_a_chapter_that_has_not_run_is_none_for_a_reader(monkeypatch, tmp_path):
    # a reader's own run (no NNBOOK_RESULTS_DIR): an earlier chapter that has not run gives None
    monkeypatch.delenv("NNBOOK_RESULTS_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert recorded_results("97_never_run", names=["a"]) is None


def test_in_a_build_a_chapter_that_has_not_run_is_an_error():
    # a build sets NNBOOK_RESULTS_DIR and runs the chapters in order: a missing chapter is a broken build
    with pytest.raises(LookupError, match="97_never_run has recorded no results in .* run it before"):
        recorded_results("97_never_run")


def test_a_row_the_reader_needs_must_be_there():
    # the reader names the rows it needs: a renamed or missing row is an error, naming it and what there is
    report("98_earlier", [{"name": "test accuracy", "value": 97.5}])
    assert recorded_results("98_earlier", names=["test accuracy"])["test accuracy"]["value"] == 97.5
    with pytest.raises(LookupError, match=r"have no rows named \['parameters'\]; it has \['test accuracy'\]"):
        recorded_results("98_earlier", names=["test accuracy", "parameters"])
    with pytest.raises(TypeError, match="names must be a list of row names or None, got str"):
        recorded_results("98_earlier", names="parameters")


def test_report_save_true_writes_to_the_cache_without_env(monkeypatch, tmp_path):
    # save=True asks for the file even for a reader: it goes to the per-user cache folder
    monkeypatch.delenv("NNBOOK_RESULTS_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    table = report("99_demo", [{"name": "a", "value": 1}], save=True)
    assert table.path == tmp_path / "cache" / "nnbook" / "results" / "99_demo.json" and table.path.is_file()


GOOD_ROW = {"name": "a", "value": 1}


@pytest.mark.parametrize("chapter, rows, error, match", [
    ("", [GOOD_ROW], ValueError, "chapter must be a file name of letters, digits, '_' or '-', got ''"),
    ("../evil", [GOOD_ROW], ValueError, "chapter must be a file name"),
    ("a b", [GOOD_ROW], ValueError, "chapter must be a file name"),
    (3, [GOOD_ROW], TypeError, "chapter must be a str, got int"),
    ("99_demo", [], ValueError, "rows must be a non-empty list of dicts"),
    ("99_demo", GOOD_ROW, TypeError, "rows must be a list of dicts, got dict"),
    ("99_demo", [("a", 1)], TypeError, r"rows\[0\] must be a dict"),
    ("99_demo", [{"value": 1}], TypeError, r"rows\[0\]\['name'\] must be a str, got NoneType"),
    ("99_demo", [{"name": "", "value": 1}], ValueError, r"rows\[0\]\['name'\] must not be empty"),
    ("99_demo", [{"name": "acc", "value": "98%"}], TypeError, r"\('acc'\): value must be a number, got str '98%'"),
    ("99_demo", [{"name": "loss", "value": float("nan")}], ValueError, "value must be finite"),
    ("99_demo", [{"name": "a", "value": 1, "refrence": 2}], ValueError, r"unknown keys \['refrence'\]"),
    ("99_demo", [{"name": "a", "value": 1, "reference": [2]}], TypeError, "reference must be a number or a str"),
    ("99_demo", [GOOD_ROW, {"name": "a", "value": 2}], ValueError, "result names must be unique"),
    ("99_demo", [{"name": "a", "value": 1, "target": "= scikit-learn"}], ValueError,
     r"\('a'\): target must be a comparison and a number, e.g. .* got '= scikit-learn'"),
    ("99_demo", [{"name": "a", "value": 1, "target": 5}], TypeError, r"\('a'\): target must be a str or None, got int"),
])
def test_report_rejects_bad_arguments(chapter, rows, error, match):
    # the chapter name becomes a file name; each row is a named, finite number; a typo in a key is caught
    with pytest.raises(error, match=match):
        report(chapter, rows)


@pytest.mark.parametrize("chapter, error", [("../evil", ValueError), (5, TypeError)])
def test_recorded_results_rejects_bad_chapter_names(chapter, error):
    # the same rule as report: the name is a file name in the results folder
    with pytest.raises(error, match="chapter must be a"):
        recorded_results(chapter)


def test_glue_without_myst_nb_does_nothing(monkeypatch):
    # in Colab (no myst-nb) gluing must not fail: there is no text to fill in
    import builtins

    real_import = builtins.__import__

    def no_myst(name, *args, **kwargs):
        if name.startswith("myst_nb"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_myst)
    assert glue("acc_cnn", 99.5) is None


def test_glue_hands_the_value_to_myst_nb(monkeypatch):
    # in the book build the value reaches myst-nb under its name, without showing in the cell
    pytest.importorskip("myst_nb")
    calls = []
    monkeypatch.setattr("myst_nb.glue", lambda *args, **kwargs: calls.append((args, kwargs)))
    glue("acc_cnn", 99.5)
    assert calls == [(("acc_cnn", 99.5), {"display": False})]


@pytest.mark.parametrize("name, error, match", [
    ("acc cnn", ValueError, "name must be letters, digits and '_'"),
    ("", ValueError, "name must be letters, digits and '_'"),
    ("a-b", ValueError, "name must be letters, digits and '_'"),
    (3, TypeError, "name must be a str, got int"),
])
def test_glue_rejects_names_myst_cannot_refer_to(name, error, match):
    # the name appears in markdown roles: letters, digits and '_' only
    with pytest.raises(error, match=match):
        glue(name, 1.0)


def test_glue_turns_numpy_scalars_into_plain_numbers(monkeypatch):
    # myst-nb formats the text form of the value: np.float64(98.5) would not parse, 98.5 does
    np = pytest.importorskip("numpy")
    pytest.importorskip("myst_nb")
    calls = []
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display: calls.append(value))
    glue("acc", np.float64(98.5))
    glue("count", np.int64(5421))
    assert calls == [98.5, 5421] and [type(v) for v in calls] == [float, int]


@pytest.mark.parametrize("value, target, met", [
    (98.6, "≥ 98.5%", True), (98.4, "≥ 98.5%", False), (98.5, ">= 98.5", True),
    (1e-7, "< 1e-6", True), (2e-6, "< 1e-6", False),
    (150.0, "≤ 150 s on a 2-core CPU (make bench)", True), (151.0, "≤ 150 s", False),
    (12.0, "> 10×", True), (9.0, "> 10×", False),
    (4, "= 4 of 4", True), (3, "= 4", False),
    (0.70, "≈ 0.693 (log 2)", True), (0.75, "≈ 0.693", False),
    (-0.48, "≈ -0.5 ± 0.1", True), (-0.65, "≈ -0.5 ± 0.1", False),
    (94.0, "≈ 94.5 ± 1 (scikit-learn)", True), (93.0, "≈ 94.5 ± 1", False),
])
def test_a_target_is_a_comparison_make_bench_can_check(value, target, met):
    from nnbook.results import target_met
    assert target_met(value, target) is met
