// The exercise player, shared by lessons and reviews: draws one exercise of any of the six types
// (and the reviews' flashcard), takes the answer from pointer or keyboard alone, shows the verdict
// with the fix, and moves on. Enter checks, Enter again continues.

import { announce, h, mount } from "./dom.js";
import { buildAnswer, pairPick, solutionText } from "./answers.js";
import { createQueue } from "./queue.js";

const TYPE_TITLES = {
  multiple_choice: "Select the correct meaning",
  translate: "Write this in",
  word_bank: "Build the sentence",
  match_pairs: "Match the pairs",
  fill_blank: "Fill in the blank",
  listen_type: "Type what you hear",
  flashcard: "Do you remember this word?",
};

export const RATINGS = [
  [1, "Again"],
  [2, "Hard"],
  [3, "Good"],
  [4, "Easy"],
];

export function languageName(code) {
  if (!code) return "";
  try {
    return new Intl.DisplayNames([navigator.language || "en"], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

function languageAttrs(exercise) {
  // The learner's answer and course text may be in a right-to-left script: the browser picks the
  // direction from the text itself (dir=auto); lang lets it pick the right fonts and voices.
  return { dir: "auto", lang: exercise.answer_language || undefined };
}

// One exercise's widget. `onReady(ready)` says whether Check may be pressed.
export function exerciseWidget(exercise, { onReady, onSubmit }) {
  let state = {};
  const changed = () => onReady(buildAnswer(exercise, state) !== null || exercise.type === "flashcard");
  const prompt = h("p", { class: "prompt", dir: "auto" }, exercise.prompt || "");
  const parts = [];
  if (exercise.image) parts.push(h("img", { class: "exercise-image", src: exercise.image, alt: "" }));
  if (exercise.audio) {
    parts.push(
      h("audio", {
        class: "exercise-audio",
        controls: true,
        preload: "auto",
        src: exercise.audio,
        "aria-label": "Listen",
      }),
    );
  }
  let focusTarget = null;
  const type = exercise.type;

  if (type === "multiple_choice") {
    const group = h("div", { class: "options", role: "radiogroup", "aria-label": "Options" });
    const buttons = (exercise.options || []).map((option, index) => {
      const button = h(
        "button",
        {
          type: "button",
          class: "option",
          role: "radio",
          "aria-checked": "false",
          ...languageAttrs(exercise),
          dataset: { option: option.id },
          onclick: () => choose(index),
        },
        h("kbd", { "aria-hidden": "true" }, String(index + 1)),
        " ",
        option.text,
      );
      return button;
    });
    function choose(index) {
      const option = exercise.options[index];
      if (!option) return;
      state = { option: option.id };
      buttons.forEach((b, i) => {
        b.setAttribute("aria-checked", String(i === index));
        b.classList.toggle("selected", i === index);
      });
      buttons[index].focus();
      changed();
    }
    group.append(...buttons);
    // Keys 1..n pick an option, arrows move between them (as in a radio group).
    group.addEventListener("keydown", (event) => {
      const number = Number.parseInt(event.key, 10);
      if (number >= 1 && number <= buttons.length) {
        event.preventDefault();
        choose(number - 1);
      } else if (["ArrowDown", "ArrowRight", "ArrowUp", "ArrowLeft"].includes(event.key)) {
        event.preventDefault();
        const current = buttons.indexOf(document.activeElement);
        const step = event.key === "ArrowDown" || event.key === "ArrowRight" ? 1 : -1;
        choose((current + step + buttons.length) % buttons.length);
      } else if (event.key === "Enter" && state.option !== undefined) {
        event.preventDefault();
        onSubmit();
      }
    });
    parts.push(group);
    focusTarget = buttons[0];
  } else if (type === "word_bank") {
    const line = h("div", { class: "answer-line", "aria-label": "Your answer", role: "group", ...languageAttrs(exercise) });
    const bank = h("div", { class: "tiles", "aria-label": "Words", role: "group", ...languageAttrs(exercise) });
    state = { tiles: [] };
    const draw = () => {
      line.replaceChildren(
        ...state.tiles.map((tileIndex, position) =>
          h(
            "button",
            {
              type: "button",
              class: "tile placed",
              "aria-label": `${exercise.tiles[tileIndex]}, remove`,
              onclick: () => {
                state = { tiles: state.tiles.filter((_, i) => i !== position) };
                draw();
                const next = line.querySelectorAll("button")[position] || bank.querySelector("button:not([disabled])");
                if (next) next.focus();
              },
            },
            exercise.tiles[tileIndex],
          ),
        ),
      );
      bank.replaceChildren(
        ...exercise.tiles.map((tile, index) =>
          h(
            "button",
            {
              type: "button",
              class: "tile",
              disabled: state.tiles.includes(index),
              dataset: { tile: tile },
              onclick: () => {
                state = { tiles: [...state.tiles, index] };
                draw();
                const next = bank.querySelectorAll("button:not([disabled])")[0];
                if (next) next.focus();
                else if (onSubmit) document.querySelector(".check")?.focus();
              },
            },
            tile,
          ),
        ),
      );
      changed();
    };
    draw();
    parts.push(line, bank);
    focusTarget = () => bank.querySelector("button:not([disabled])");
  } else if (type === "match_pairs") {
    state = { pairs: [], pending: null };
    const left = h("div", { class: "pairs-column", role: "group", "aria-label": "Words" });
    const right = h("div", { class: "pairs-column", role: "group", "aria-label": "Meanings" });
    const summary = h("p", { class: "pairs-summary", "aria-live": "polite" });
    const draw = () => {
      const pairedLeft = new Map(state.pairs.map((pair, i) => [pair[0], i]));
      const pairedRight = new Map(state.pairs.map((pair, i) => [pair[1], i]));
      const column = (items, side, paired) =>
        items.map((text) => {
          const pairIndex = paired.get(text);
          const pending = state.pending && state.pending.side === side && state.pending.value === text;
          return h(
            "button",
            {
              type: "button",
              class: `tile pair${pairIndex !== undefined ? ` paired pair-${pairIndex % 6}` : ""}${pending ? " selected" : ""}`,
              "aria-pressed": String(Boolean(pending || pairIndex !== undefined)),
              dir: "auto",
              dataset: { side, value: text },
              onclick: () => {
                state = pairPick(state, side, text);
                draw();
                const again = (side === "left" ? left : right).querySelector(`[data-value="${CSS.escape(text)}"]`);
                if (state.pending && state.pending.side === "left") {
                  const target = right.querySelector("button:not(.paired)");
                  (target || again)?.focus();
                } else if (state.pending && state.pending.side === "right") {
                  const target = left.querySelector("button:not(.paired)");
                  (target || again)?.focus();
                } else {
                  const target = left.querySelector("button:not(.paired)") || right.querySelector("button:not(.paired)");
                  if (target) target.focus();
                  else document.querySelector(".check")?.focus();
                }
              },
            },
            text,
          );
        });
      left.replaceChildren(...column(exercise.left || [], "left", pairedLeft));
      right.replaceChildren(...column(exercise.right || [], "right", pairedRight));
      summary.textContent = `${state.pairs.length} of ${(exercise.left || []).length} matched`;
      changed();
    };
    draw();
    parts.push(h("div", { class: "pairs" }, left, right), summary);
    focusTarget = () => left.querySelector("button");
  } else if (type === "flashcard") {
    focusTarget = null;
  } else {
    // translate, fill_blank, listen_type: one line of text.
    const label = type === "listen_type" ? "Type what you hear" : type === "fill_blank" ? "The missing word" : "Your translation";
    const input = h("textarea", {
      class: "answer-text",
      rows: 2,
      "aria-label": label,
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      ...languageAttrs(exercise),
      oninput: (event) => {
        state = { text: event.target.value };
        changed();
      },
      onkeydown: (event) => {
        if (event.key === "Enter" && !event.shiftKey) {
          event.preventDefault();
          onSubmit();
        }
      },
    });
    parts.push(input);
    focusTarget = input;
  }

  let heading = TYPE_TITLES[type] || "Answer";
  if (type === "translate") heading = `${heading} ${languageName(exercise.answer_language) || "the other language"}`;
  return {
    element: h("div", { class: `exercise exercise-${type}`, dataset: { type } }, h("h2", {}, heading), prompt, parts),
    answer: () => buildAnswer(exercise, state),
    focus() {
      const target = typeof focusTarget === "function" ? focusTarget() : focusTarget;
      if (target) target.focus();
      // Listening exercises play once by themselves (the learner pressed a key or a button to
      // get here, so the browser allows it); the controls replay.
      const audio = this.element.querySelector(".exercise-audio");
      if (audio && exercise.type === "listen_type") audio.play().catch(() => {});
    },
    disable() {
      for (const el of this.element.querySelectorAll("button, textarea")) el.disabled = true;
    },
  };
}

// Plays a list of items. submit(item, answer) -> {correct, solution, feedback, hearts?, stop?}.
// finish(queue) is called when the queue is empty; stop() ends early (out of hearts).
export function runPlayer(root, { items, retry = true, submit, finish, header, onExit }) {
  const queue = createQueue(items, { retry });
  const progress = h("progress", { max: String(queue.total), value: String(queue.doneCount), "aria-label": "Progress" });
  const note = h("p", { class: "retry-note", hidden: true }, "Let's fix your mistakes.");
  const stage = h("div", { class: "stage" });
  const footer = h("div", { class: "player-footer" });
  const exit = h("button", { type: "button", class: "link exit", onclick: onExit }, "Leave");
  mount(root, h("section", { class: "player", "aria-label": "Exercise" }, h("div", { class: "player-top" }, exit, progress, header || null), note, stage, footer));

  let startedAt = 0;
  const next = () => {
    progress.value = queue.doneCount;
    const item = queue.current;
    if (!item) {
      finish(queue);
      return;
    }
    note.hidden = !queue.isRetry;
    let busy = false;
    const check = h("button", { type: "button", class: "primary check", disabled: true }, "Check");
    const widget = exerciseWidget(item, {
      onReady: (ready) => {
        check.disabled = !ready || busy;
      },
      onSubmit: () => {
        if (!check.disabled) check.click();
      },
    });
    startedAt = performance.now();
    const send = async (answer) => {
      if (busy) return;
      busy = true;
      check.disabled = true;
      footer.querySelectorAll("button").forEach((b) => {
        b.disabled = true;
      });
      let verdict;
      try {
        verdict = await submit(item, answer, Math.round(performance.now() - startedAt));
      } catch (error) {
        busy = false;
        check.disabled = false;
        footer.querySelectorAll("button").forEach((b) => {
          b.disabled = false;
        });
        footer.querySelector(".error")?.remove();
        footer.prepend(h("p", { class: "error", role: "alert" }, error.message));
        return;
      }
      widget.disable();
      // Answered: a test (or a stylesheet) can tell it from the next exercise.
      widget.element.dataset.done = "true";
      queue.record(Boolean(verdict.correct));
      showVerdict(verdict);
    };
    check.addEventListener("click", () => {
      const answer = widget.answer();
      if (answer) send(answer);
    });
    if (item.type === "flashcard") {
      // A flashcard is rated: the learner says how well they remembered it.
      mount(
        footer,
        h(
          "div",
          { class: "ratings", role: "group", "aria-label": "How well did you remember it?" },
          RATINGS.map(([rating, label]) => h("button", { type: "button", class: "rating", onclick: () => send({ rating }) }, label)),
        ),
      );
    } else {
      mount(footer, check);
    }
    mount(stage, widget.element);
    widget.focus();
    if (item.type === "flashcard") footer.querySelector("button").focus();
  };

  function showVerdict(verdict) {
    const good = Boolean(verdict.correct);
    const solution = solutionText(verdict.solution);
    const lines = [];
    if (!good && solution) lines.push(h("p", {}, "Correct solution: ", h("b", { dir: "auto" }, solution)));
    // The grader's note says what to fix ("Watch the accent: ..."); its plain "Correct solution"
    // would only repeat the line above.
    if (verdict.feedback && !(!good && /^Correct solution/i.test(verdict.feedback))) {
      lines.push(h("p", { class: "feedback-text", dir: "auto" }, verdict.feedback));
    }
    const title = verdict.title || (good ? "Nicely done!" : "Not quite.");
    const cont = h("button", { type: "button", class: "primary continue" }, verdict.stop ? "Finish" : "Continue");
    const panel = h(
      "div",
      { class: `verdict ${good ? "good" : "bad"}`, role: "status", dataset: { correct: String(good) } },
      h("p", { class: "verdict-title" }, title),
      lines,
    );
    mount(footer, panel, cont);
    announce(`${title} ${solution && !good ? `Correct solution: ${solution}.` : ""} ${verdict.feedback || ""}`);
    cont.addEventListener("click", () => {
      if (verdict.stop) verdict.stop();
      else next();
    });
    cont.focus();
  }

  next();
}
