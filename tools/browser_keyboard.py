"""What the browser check does with the keyboard alone (tools/browser_check.py runs it on every page):
answer each concept question (nnbook.quiz) and work each interactive figure's buttons and sliders
(nnbook.interactive), recording what failed in the page's result."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.browser_check import PageResult

TIMEOUT_MS = 30_000
TAB_LIMIT = 3000          # presses of Tab allowed to reach the first question from the top

REVEAL = """el => {   // open what a reader would open first: <details> and "Click to show" dropdowns
  for (let d = el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) d.open = true;
  for (let t = el.closest('.toggle-hidden'); t; t = t.parentElement && t.parentElement.closest('.toggle-hidden'))
    t.classList.remove('toggle-hidden');
}"""

FOCUS_RING = """el => {   // is the focus visible: an outline or a box shadow on the focused element
  const s = getComputedStyle(el);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
}"""

IS_FOCUSED = "el => el === document.activeElement"


def tab_to(page, target, limit: int = TAB_LIMIT) -> int:
    """Press Tab from the top of a freshly loaded page until `target` has the focus; return the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate(IS_FOCUSED):
            return presses
    raise AssertionError(f"{limit} presses of Tab from the top of the page never reached it")


def move_focus(page, options, start: int, end: int) -> None:
    """From option `start` (focused) to option `end` with Tab or Shift+Tab."""
    for _ in range(abs(end - start)):
        page.keyboard.press("Tab" if end > start else "Shift+Tab")
    if not options.nth(end).evaluate(IS_FOCUSED):
        raise AssertionError(f"Tab from option {start + 1} did not reach option {end + 1}")


def answer_by_keyboard(page, question, first_on_page: bool) -> None:
    """Answer one nnbook.quiz question with the keyboard only (raises AssertionError on failure)."""
    options = question.locator("button.nnbook-quiz-option")
    feedback = question.locator(".nnbook-quiz-feedback")
    if not options.count():
        raise AssertionError("no option buttons")
    if feedback.get_attribute("aria-live") not in ("polite", "assertive"):
        raise AssertionError("its feedback is not an aria-live region: screen readers would not announce it")
    correct = [options.nth(i).get_attribute("data-correct") == "1" for i in range(options.count())]
    wrong, right = correct.index(False), correct.index(True)
    if first_on_page:
        tab_to(page, options.first)
    else:
        options.first.focus()
    if not options.first.evaluate(FOCUS_RING):
        raise AssertionError("the focused option shows no focus ring (outline or box shadow)")
    move_focus(page, options, 0, wrong)
    page.keyboard.press("Enter")
    if not feedback.inner_text().startswith("Not quite"):
        raise AssertionError(f"Enter on a wrong option gave {feedback.inner_text()[:40]!r}, not 'Not quite'")
    if options.nth(wrong).get_attribute("aria-pressed") != "true":
        raise AssertionError("the chosen option is not marked aria-pressed")
    move_focus(page, options, wrong, right)
    page.keyboard.press(" ")
    if not feedback.inner_text().startswith("Correct"):
        raise AssertionError(f"Space on the right option gave {feedback.inner_text()[:40]!r}, not 'Correct'")


def check_quizzes(page, result: PageResult, shots: Path) -> None:
    questions = page.locator(".nnbook-quiz")
    total, good = questions.count(), 0
    for i in range(total):
        question = questions.nth(i)
        try:
            question.evaluate(REVEAL)
            question.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
            answer_by_keyboard(page, question, first_on_page=(i == 0))
            good += 1
            if i == 0:
                question.screenshot(path=str(shots / f"{Path(result.page).name}-quiz.png"))
        except Exception as error:
            result.problems.append(f"question {i + 1}, by keyboard: {type(error).__name__}: "
                                   f"{str(error).splitlines()[0] if str(error) else ''}")
    result.quizzes = (good, total)


def plot_picture(page, figure) -> bytes:
    """A screenshot of a plotly figure without the mode bar and hover labels."""
    page.mouse.move(0, 0)
    figure.evaluate("gd => gd.querySelectorAll('.modebar-container, .hoverlayer')"
                    ".forEach(el => el.style.visibility = 'hidden')")
    return figure.screenshot()


def changes_picture(page, figure, control, key: str) -> bool:
    """Press `key` on the focused `control`; does the figure look different afterwards?"""
    before = plot_picture(page, figure)
    control.focus()
    if not control.evaluate(IS_FOCUSED):
        raise AssertionError("cannot take the keyboard focus")
    if not control.evaluate(FOCUS_RING):
        raise AssertionError("shows no focus ring when focused")
    page.keyboard.press(key)
    page.wait_for_timeout(1500)   # let a transition or a few animation frames run
    return plot_picture(page, figure) != before


def check_figure(page, figure, label: str, result: PageResult) -> bool:
    """Title, description and keyboard controls of one drawn figure; True when all is well."""
    ok = True
    title = figure.evaluate("gd => { const t = gd._fullLayout.title; return (t && t.text) || ''; }")
    box = page.locator(".nnbook-interactive").filter(has=figure)   # nnbook.interactive's <figure>
    described_by = box.first.get_attribute("aria-describedby") if box.count() else None
    description = page.evaluate("id => (document.getElementById(id) || {}).textContent || ''", described_by) \
        if described_by else ""
    result.details.setdefault("figures", []).append(
        {"title": title, "description": description, "words": len(description.split())})
    if not title.strip():
        result.problems.append(f"{label} has no title (layout.title.text): screen readers cannot name it")
        ok = False
    if not description.strip():
        result.problems.append(f"{label} has no description (nnbook.interactive.show(fig, description=...))")
        ok = False
    plotly_controls = figure.evaluate("gd => ((gd.layout.sliders || []).length + (gd.layout.updatemenus || []).length)")
    if plotly_controls and not box.count():
        result.problems.append(f"{label}: its sliders and buttons are plotly's SVG ones, which the keyboard "
                               "cannot reach: display it with nnbook.interactive.show")
        return False
    menus = {}
    for button in box.locator("button[data-menu]").all():
        menus.setdefault(button.get_attribute("data-menu"), []).append(button)
    for menu, buttons in menus.items():
        try:
            changed = [changes_picture(page, figure, button, "Enter") for button in buttons]
        except AssertionError as error:
            result.problems.append(f"{label}, buttons: {error}")
            ok = False
            continue
        if not any(changed):
            result.problems.append(f"{label}: none of the buttons {[b.inner_text() for b in buttons]} "
                                   "changed the figure when pressed with Enter")
            ok = False
    for select in box.locator("select[data-menu]").all():
        try:
            if not changes_picture(page, figure, select, "ArrowDown"):
                result.problems.append(f"{label}: its drop-down menu did not change the figure (ArrowDown)")
                ok = False
        except AssertionError as error:
            result.problems.append(f"{label}, drop-down menu: {error}")
            ok = False
    sliders = box.locator("input[type=range]").all()
    result.sliders += len(sliders)
    for s, slider in enumerate(sliders, 1):
        name = slider.evaluate("el => el.labels.length ? el.labels[0].textContent : (el.getAttribute('aria-label') || '')")
        if not name.strip():
            result.problems.append(f"{label}, slider {s}: no accessible name (a <label>)")
            ok = False
        at_end = slider.evaluate("el => el.value === el.max")
        try:
            if not changes_picture(page, figure, slider, "Home" if at_end else "End"):
                result.problems.append(f"{label}, slider {s} ({name}): the figure did not change when "
                                       "the slider was moved with the keyboard")
                ok = False
        except AssertionError as error:
            result.problems.append(f"{label}, slider {s}: {error}")
            ok = False
    return ok


def check_figures(page, result: PageResult) -> None:
    figures = page.locator(".plotly-graph-div")
    total, good = figures.count(), 0
    for i in range(total):
        figure = figures.nth(i)
        label = f"interactive figure {i + 1}"
        try:
            figure.evaluate(REVEAL)
            figure.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
            page.wait_for_function("gd => !!(gd._fullLayout && gd.querySelector('.main-svg'))",
                                   arg=figure.element_handle(), timeout=TIMEOUT_MS)
        except Exception:
            result.problems.append(f"{label} is not drawn (plotly.js not loaded, or hidden)")
            continue
        good += check_figure(page, figure, label, result)
    result.figures = (good, total)
