"""Concept questions that answer themselves: in the static book, in Jupyter and in Colab.

A question is a small piece of HTML with one button per option and a few lines of JavaScript
that, on a click (or Enter or Space on the focused option), mark the option and show its
feedback, which screen readers announce. Nothing runs in a kernel, so the question works on the
book's static pages as well as in a notebook.

    from nnbook.quiz import Question
    Question("What is the largest value of the sigmoid's derivative?",
             {"0.25": "Right: σ′(0) = σ(0)(1 − σ(0)) = 1/4, its maximum.",
              "1": "That is tanh′(0); the sigmoid is flatter.",
              "0.5": "That is σ(0), not its slope."},
             answer="0.25")
"""
import html
import itertools

from .checks import check_type

_ids = itertools.count(1)

_SCRIPT = """
<script>
(function () {
  var box = document.getElementById("%(id)s");
  if (!box || box.dataset.ready) { return; }
  box.dataset.ready = "1";
  var buttons = box.querySelectorAll("button.nnbook-quiz-option");
  var feedback = box.querySelector(".nnbook-quiz-feedback");
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {   // a click, Enter or Space on the focused button
      buttons.forEach(function (b) {
        b.classList.remove("nnbook-quiz-right", "nnbook-quiz-wrong");
        b.setAttribute("aria-pressed", "false");
        b.querySelector(".nnbook-quiz-mark").textContent = "";
      });
      var right = button.dataset.correct === "1";
      button.classList.add(right ? "nnbook-quiz-right" : "nnbook-quiz-wrong");
      button.setAttribute("aria-pressed", "true");
      button.querySelector(".nnbook-quiz-mark").textContent = right ? "\\u2713 " : "\\u2717 ";
      feedback.textContent = (right ? "Correct. " : "Not quite. ") + button.dataset.feedback;
      feedback.className = "nnbook-quiz-feedback " + (right ? "nnbook-quiz-right" : "nnbook-quiz-wrong");
    });
  });
})();
</script>
"""

# The box brings its own light background and dark text, so its contrast (at least 4.5:1) holds
# on a dark page too: the book's dark theme, JupyterLab's dark theme. A right or wrong answer is
# marked by a tick or a cross and by the words of the feedback, not by colour alone; the focus
# ring shows which option Tab has reached.
_STYLE = """<style>
.nnbook-quiz { border: 1px solid #767676; border-radius: 6px; padding: 0.6em 1em; margin: 0.5em 0;
  background: #fff; color: #222; }
.nnbook-quiz-question { font-weight: 600; margin: 0 0 0.4em; }
.nnbook-quiz button.nnbook-quiz-option { display: block; width: 100%; text-align: left; margin: 0.25em 0;
  padding: 0.35em 0.7em; border: 1px solid #767676; border-radius: 4px; background: #f7f7f7;
  color: #222; cursor: pointer; font: inherit; }
.nnbook-quiz button.nnbook-quiz-option:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.nnbook-quiz button.nnbook-quiz-right { background: #d4edda; border-color: #2e7d32; }
.nnbook-quiz button.nnbook-quiz-wrong { background: #f8d7da; border-color: #c62828; }
.nnbook-quiz-mark { font-weight: 700; }
.nnbook-quiz-feedback { margin-top: 0.4em; min-height: 1.2em; }
.nnbook-quiz-feedback.nnbook-quiz-right { color: #1b5e20; }
.nnbook-quiz-feedback.nnbook-quiz-wrong { color: #b71c1c; }
</style>"""


class Question:
    """A multiple-choice question with feedback for every option.

    `options` maps each option's text to the feedback shown when it is clicked; `answer` is the
    text of the correct option. Display the object (make it a cell's last line) to show it.
    """

    def __init__(self, question, options, answer):
        check_type("question", question, str, "a string")
        check_type("options", options, dict, "a dict {option text: feedback}")
        if len(options) < 2:
            raise ValueError(f"a question needs at least 2 options, got {len(options)}")
        for text, feedback in options.items():
            check_type("an option", text, str, "a string")
            check_type(f"the feedback of option {text!r}", feedback, str, "a string")
        if answer not in options:
            raise ValueError(f"answer must be one of the options {list(options)}, got {answer!r}")
        self.question = question
        self.options = dict(options)
        self.answer = answer
        self.id = f"nnbook-quiz-{next(_ids)}"

    def _repr_html_(self):
        # a group named by the question; each option a real <button> (Tab reaches it, Enter or
        # Space answers); the feedback is a live region, so a screen reader reads it out
        buttons = "\n".join(
            f'<button class="nnbook-quiz-option" type="button" aria-pressed="false"'
            f' data-correct="{int(text == self.answer)}" data-feedback="{html.escape(feedback, quote=True)}">'
            f'<span class="nnbook-quiz-mark" aria-hidden="true"></span>{html.escape(text)}</button>'
            for text, feedback in self.options.items())
        return (f'{_STYLE}\n<div class="nnbook-quiz" id="{self.id}" role="group" aria-labelledby="{self.id}-q">\n'
                f'<p class="nnbook-quiz-question" id="{self.id}-q">{html.escape(self.question)}</p>\n'
                f'{buttons}\n<div class="nnbook-quiz-feedback" role="status" aria-live="polite"></div>\n</div>'
                + _SCRIPT % {"id": self.id})

    def __repr__(self):   # what a plain-text front end shows
        lines = [f"Question: {self.question}"]
        lines += [f"  ({chr(ord('a') + i)}) {text}" for i, text in enumerate(self.options)]
        lines.append("(open the page in Jupyter, Colab or the book to click an answer)")
        return "\n".join(lines)
