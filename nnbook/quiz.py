"""Concept questions that answer themselves: in the static book, in Jupyter and in Colab.

A question is a small piece of HTML with one button per option and a few lines of JavaScript
that, on a click, colour the option and show its feedback. Nothing runs in a kernel, so the
question works on the book's static pages as well as in a notebook.

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
    button.addEventListener("click", function () {
      buttons.forEach(function (b) { b.classList.remove("nnbook-quiz-right", "nnbook-quiz-wrong"); });
      var right = button.dataset.correct === "1";
      button.classList.add(right ? "nnbook-quiz-right" : "nnbook-quiz-wrong");
      feedback.textContent = (right ? "Correct. " : "Not quite. ") + button.dataset.feedback;
      feedback.className = "nnbook-quiz-feedback " + (right ? "nnbook-quiz-right" : "nnbook-quiz-wrong");
    });
  });
})();
</script>
"""

_STYLE = """<style>
.nnbook-quiz { border: 1px solid #bbb; border-radius: 6px; padding: 0.6em 1em; margin: 0.5em 0; }
.nnbook-quiz-question { font-weight: 600; margin-bottom: 0.4em; }
.nnbook-quiz button.nnbook-quiz-option { display: block; width: 100%; text-align: left; margin: 0.25em 0;
  padding: 0.35em 0.7em; border: 1px solid #999; border-radius: 4px; background: #f7f7f7;
  color: #222; cursor: pointer; font: inherit; }
.nnbook-quiz button.nnbook-quiz-right { background: #d4edda; border-color: #2e7d32; }
.nnbook-quiz button.nnbook-quiz-wrong { background: #f8d7da; border-color: #c62828; }
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

    def is_correct(self, option):
        """True when `option` is the right answer (what a click on it reports)."""
        return option == self.answer

    def _repr_html_(self):
        buttons = "\n".join(
            f'<button class="nnbook-quiz-option" type="button" data-correct="{int(text == self.answer)}"'
            f' data-feedback="{html.escape(feedback, quote=True)}">{html.escape(text)}</button>'
            for text, feedback in self.options.items())
        return (f'{_STYLE}\n<div class="nnbook-quiz" id="{self.id}">\n'
                f'<div class="nnbook-quiz-question">{html.escape(self.question)}</div>\n'
                f'{buttons}\n<div class="nnbook-quiz-feedback" aria-live="polite"></div>\n</div>'
                + _SCRIPT % {"id": self.id})

    def __repr__(self):   # what a plain-text front end shows
        lines = [f"Question: {self.question}"]
        lines += [f"  ({chr(ord('a') + i)}) {text}" for i, text in enumerate(self.options)]
        lines.append("(open the page in Jupyter, Colab or the book to click an answer)")
        return "\n".join(lines)
