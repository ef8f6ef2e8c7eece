// Reviews with the lesson player, and the forecast of what falls due.

import { announce, focusFirst, h } from "../dom.js";
import { forecastChart } from "../chart.js";
import { runPlayer } from "../player.js";

export async function reviewScreen(app, view) {
  const [due, forecast] = await Promise.all([app.api.get("reviews/due/"), app.api.get("reviews/forecast/?days=7")]);
  const start = h("button", { type: "button", class: "primary", disabled: !due.results.length, onclick: () => play(app, view, due) }, due.results.length ? `Review ${due.results.length} word${due.results.length === 1 ? "" : "s"}` : "Nothing to review now");
  view.mount(
    h("h1", {}, "Reviews"),
    h("p", { "data-testid": "due-count" }, `${due.count} due now.`),
    h("p", {}, start),
    h("section", { class: "card" }, h("h2", {}, "Coming up"), forecastChart(forecast.results)),
  );
  focusFirst(view.root);
}

function play(app, view, due) {
  document.body.classList.add("playing");
  let right = 0;
  let xp = 0;
  const rewards = [];
  const items = due.results.map((row) => ({ ...row.exercise, id: row.card, answered: false }));
  runPlayer(view.root, {
    items,
    retry: false,
    onExit: () => app.go("/reviews"),
    submit: async (item, answer, durationMs) => {
      const body = "rating" in answer ? { rating: answer.rating } : { answer, duration_ms: durationMs };
      const verdict = await app.api.post(`reviews/${encodeURIComponent(item.id)}/answer/`, body);
      if (verdict.correct) right += 1;
      xp += verdict.xp_earned || 0;
      rewards.push(...(verdict.rewards || []));
      // A rating has no right or wrong: say when the card comes back instead.
      if ("rating" in answer) {
        return { correct: true, title: `It was: ${verdict.solution}`, solution: verdict.solution, feedback: `It comes back on ${new Date(verdict.due).toLocaleDateString()}.` };
      }
      return verdict;
    },
    finish: () => {
      document.body.classList.remove("playing");
      const again = h("a", { class: "button primary", href: "#/reviews" }, "Done");
      view.mount(
        h(
          "section",
          { class: "card complete", "data-testid": "reviews-complete" },
          h("h1", {}, "Reviews done"),
          h("p", {}, `${right} of ${items.length} right · +${xp} XP`),
          rewards.length ? h("ul", {}, rewards.map((reward) => h("li", {}, reward.name))) : null,
          h("p", {}, again),
        ),
      );
      announce(`Reviews done: ${right} of ${items.length} right.`);
      again.focus();
      app.refreshHud();
      // A second visit should show the new forecast.
      again.addEventListener("click", () => app.go("/reviews"));
    },
  });
}
