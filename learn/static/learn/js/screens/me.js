// The learner's own numbers: stats, daily quests, achievements; the shop and the inventory.

import { announce, dateText, errorView, focusFirst, h } from "../dom.js";
import { newClientId } from "../answers.js";
import { icon } from "../icons.js";

function stat(label, value, testid) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", { "data-testid": testid }, String(value)));
}

function meter(progress, goal, label) {
  return h("progress", { max: String(Math.max(goal, 1)), value: String(Math.min(progress, goal)), "aria-label": label });
}

export async function stats(app, view) {
  const [numbers, quests, achievements] = await Promise.all([app.api.get("me/stats/"), app.api.get("me/quests/"), app.api.get("me/achievements/")]);
  view.mount(
    h("h1", {}, "Your stats"),
    h(
      "dl",
      { class: "stats card" },
      stat("Day streak", numbers.streak, "stat-streak"),
      stat("Longest streak", numbers.longest_streak),
      stat("Total XP", numbers.total_xp, "stat-xp"),
      stat("XP today", `${numbers.xp_today} / ${numbers.daily_goal_xp}`),
      stat("Hearts", numbers.hearts),
      stat("Gems", numbers.gems),
      stat("Streak freezes", numbers.streak_freezes),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Daily quests"),
      h(
        "ul",
        { class: "quests" },
        quests.quests.map((quest) =>
          h(
            "li",
            { class: quest.completed_at ? "done" : "" },
            h("span", {}, quest.completed_at ? icon("check", "done") : null, quest.description),
            meter(quest.progress, quest.goal, quest.description),
            h("span", { class: "muted" }, `${Math.min(quest.progress, quest.goal)} / ${quest.goal} · ${quest.reward_gems} gems`),
          ),
        ),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Achievements"),
      h(
        "ul",
        { class: "achievements" },
        achievements.results.map((a) =>
          h(
            "li",
            { class: a.tier ? "unlocked" : "" },
            h("b", {}, a.name),
            a.tier ? h("span", { class: "badge" }, `Tier ${a.tier}`) : null,
            h("span", { class: "muted" }, a.description),
            meter(a.progress, a.goal, a.name),
            h("span", { class: "muted" }, `${a.progress} / ${a.goal}`),
          ),
        ),
      ),
    ),
  );
  focusFirst(view.root);
}

export async function shop(app, view) {
  const [items, inventory, wallet] = await Promise.all([app.api.get("shop/"), app.api.get("me/inventory/"), app.api.get("me/wallet/")]);
  const owned = new Map(inventory.results.map((row) => [row.item, row]));
  const messages = h("div", { class: "messages", "aria-live": "polite" });
  const act = async (event, call, done) => {
    event.target.disabled = true;
    messages.replaceChildren();
    try {
      const result = await call();
      announce(done(result));
      await shop(app, view);
      view.root.querySelector(".messages")?.append(h("p", { class: "flash" }, done(result)));
    } catch (error) {
      event.target.disabled = false;
      messages.replaceChildren(errorView(error));
    }
  };
  view.mount(
    h("h1", {}, "Shop"),
    h("p", { class: "balance" }, icon("gem"), " ", h("b", { "data-testid": "balance" }, String(wallet.balance)), " gems"),
    messages,
    h(
      "ul",
      { class: "shop" },
      items.results.map((item) => {
        const have = owned.get(item.slug);
        return h(
          "li",
          { class: "card item" },
          h("h2", {}, item.name),
          h("p", {}, item.description),
          h("p", { class: "muted" }, `${item.price} gems${item.max_owned ? ` · at most ${item.max_owned}` : ""}${have ? ` · you have ${have.quantity}` : ""}`),
          have && have.active_until ? h("p", { class: "muted" }, `Active until ${dateText(have.active_until)}`) : null,
          h(
            "p",
            {},
            h(
              "button",
              {
                type: "button",
                class: "primary",
                disabled: item.price > wallet.balance,
                // One client_id per press: a retried purchase buys once.
                onclick: (event) => act(event, () => app.api.post(`shop/${encodeURIComponent(item.slug)}/buy/`, { client_id: newClientId() }), () => `Bought ${item.name}.`),
              },
              `Buy for ${item.price}`,
            ),
            have && have.quantity > 0 && item.slug !== "streak-freeze"
              ? [" ", h("button", { type: "button", onclick: (event) => act(event, () => app.api.post(`me/inventory/${encodeURIComponent(item.slug)}/use/`), () => `Used ${item.name}.`) }, "Use one")]
              : null,
          ),
        );
      }),
    ),
  );
  focusFirst(view.root);
}
