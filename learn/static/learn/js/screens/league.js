// The week's league table, kept current over the WebSocket while the screen is open.

import { announce, focusFirst, h } from "../dom.js";
import { liveSocket } from "../live.js";

const RESULT = { promoted: "promoted", stayed: "stayed", demoted: "demoted" };

function title(name) {
  return name ? name.charAt(0).toUpperCase() + name.slice(1) : "";
}

function table(board, me) {
  if (!board.league) {
    return h("p", { "data-testid": "no-league" }, "Earn XP this week to join a league.");
  }
  return h(
    "table",
    { class: "league-table" },
    h("caption", {}, `${title(board.league)} league · week of ${new Date(board.week_start).toLocaleDateString(undefined, { timeZone: "UTC" })}`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Learner"), h("th", { scope: "col", class: "num" }, "XP"))),
    h(
      "tbody",
      {},
      board.standings.map((row) => {
        const zone = board.promote_up_to && row.rank <= board.promote_up_to ? "promote" : board.demote_from && row.rank >= board.demote_from ? "demote" : "";
        return h(
          "tr",
          { class: `${zone}${row.user === me ? " me" : ""}`, dataset: { user: row.user, username: row.username || "" } },
          h("td", {}, String(row.rank)),
          h("td", { dir: "auto" }, row.username ? h("a", { href: `#/user/${encodeURIComponent(row.username)}` }, row.display_name || row.username) : row.display_name),
          h("td", { class: "num", "data-testid": "league-xp" }, String(row.xp)),
        );
      }),
    ),
  );
}

export async function league(app, view) {
  const [me, board, history, percentile] = await Promise.all([
    app.api.get("me/"),
    app.api.get("leaderboard/"),
    app.api.get("leaderboard/history/"),
    app.api.get("leaderboard/percentile/"),
  ]);
  const past = Array.isArray(history) ? history : history.results || [];
  const holder = h("div", { class: "league-holder", "data-testid": "league" }, table(board, me.id));
  const state = h("span", { class: "live-state", "data-testid": "live-state" }, "connecting");
  view.mount(
    h("h1", {}, "League"),
    h("p", { class: "muted" }, "Updates live while this page is open: ", state),
    percentile.week_xp ? h("p", { "data-testid": "percentile" }, `${percentile.week_xp} XP this week: ahead of ${Math.round(percentile.percentile)}% of this week's learners.`) : null,
    holder,
    board.promote_up_to ? h("p", { class: "muted legend" }, h("span", { class: "swatch promote" }), " promotion zone ", h("span", { class: "swatch demote" }), " demotion zone") : null,
    past.length
      ? h(
          "section",
          { class: "card" },
          h("h2", {}, "Past weeks"),
          h(
            "ul",
            { class: "history" },
            past.map((week) => h("li", {}, `${week.week_start}: ${title(week.league)}, rank ${week.rank}, ${RESULT[week.result] || week.result}`)),
          ),
        )
      : null,
  );
  focusFirst(view.root);
  const socket = liveSocket({
    path: "/ws/leaderboard/",
    token: () => app.store.access,
    freshToken: () => app.api.freshAccess(),
    onState: (value) => {
      state.textContent = value;
      state.dataset.state = value;
    },
    onMessage: (message) => {
      if (message.type !== "standings") return;
      holder.replaceChildren(table(message, me.id));
      const mine = (message.standings || []).find((row) => row.user === me.id);
      if (mine) announce(`League updated: you are number ${mine.rank} with ${mine.xp} XP.`);
    },
  });
  view.onLeave(() => socket.close());
}
