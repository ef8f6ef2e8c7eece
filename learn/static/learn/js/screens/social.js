// Friends: finding learners, profiles, follows, and the feed of what they did.

import { announce, dateText, errorView, focusFirst, h } from "../dom.js";
import { icon } from "../icons.js";

function feedText(event) {
  const data = event.data || {};
  switch (event.kind) {
    case "lesson_completed":
      return `completed ${data.lesson?.title || "a lesson"}${data.xp ? ` (+${data.xp} XP)` : ""}`;
    case "course_started":
      return `started ${data.course?.title || "a course"}`;
    case "achievement_unlocked":
      return `unlocked ${data.achievement?.name || "an achievement"}${data.tier ? ` (tier ${data.tier})` : ""}`;
    case "streak_milestone":
      return `reached a ${data.days || data.streak || ""} day streak`;
    default:
      return event.kind.replaceAll("_", " ");
  }
}

function personLink(person) {
  return h("a", { href: `#/user/${encodeURIComponent(person.username)}`, dir: "auto" }, person.display_name || person.username);
}

function people(list, empty) {
  return list.length
    ? h("ul", { class: "people" }, list.map((person) => h("li", {}, personLink(person), h("span", { class: "muted" }, ` @${person.username}`))))
    : h("p", { class: "muted" }, empty);
}

export async function friends(app, view, { query }) {
  const [feed, following, followers] = await Promise.all([app.api.get("feed/"), app.api.get("me/following/"), app.api.get("me/followers/")]);
  const results = h("div", { class: "search-results", "aria-live": "polite" });
  const input = h("input", { type: "search", name: "search", id: "people-search", minlength: 3, value: query.q || "", autocomplete: "off" });
  const search = async () => {
    const prefix = input.value.trim();
    if (prefix.length < 3) {
      results.replaceChildren(h("p", { class: "muted" }, "Type at least 3 letters of a username."));
      return;
    }
    try {
      const found = await app.api.get(`users/?search=${encodeURIComponent(prefix)}`);
      results.replaceChildren(people(found.results, "Nobody found."));
    } catch (error) {
      results.replaceChildren(errorView(error));
    }
  };
  view.mount(
    h("h1", {}, "Friends"),
    h(
      "form",
      { class: "card search", role: "search", onsubmit: (event) => (event.preventDefault(), search()) },
      h("label", { for: "people-search" }, "Find learners by username"),
      h("div", { class: "row" }, input, h("button", { type: "submit" }, "Search")),
      results,
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Feed"),
      feed.results.length
        ? h(
            "ul",
            { class: "feed" },
            feed.results.map((event) => h("li", {}, personLink(event.actor), " ", feedText(event), h("span", { class: "muted" }, ` · ${dateText(event.created_at)}`))),
          )
        : h("p", { class: "muted" }, "Nothing yet: follow learners to see what they do."),
    ),
    h("section", { class: "card" }, h("h2", {}, `Following (${following.count})`), people(following.results, "You follow nobody yet.")),
    h("section", { class: "card" }, h("h2", {}, `Followers (${followers.count})`), people(followers.results, "No followers yet.")),
  );
  if (query.q) search();
  focusFirst(view.root);
}

export async function profile(app, view, { params }) {
  const username = params.username;
  const person = await app.api.get(`users/${encodeURIComponent(username)}/`);
  const messages = h("div", { "aria-live": "polite" });
  const toggle = h(
    "button",
    {
      type: "button",
      class: person.following ? "" : "primary",
      onclick: async () => {
        toggle.disabled = true;
        try {
          if (person.following) await app.api.del(`users/${encodeURIComponent(username)}/follow/`);
          else await app.api.post(`users/${encodeURIComponent(username)}/follow/`);
          announce(person.following ? `You no longer follow ${person.display_name}.` : `You follow ${person.display_name}.`);
          await profile(app, view, { params });
        } catch (error) {
          toggle.disabled = false;
          messages.replaceChildren(errorView(error));
        }
      },
    },
    person.following ? "Unfollow" : "Follow",
  );
  view.mount(
    h("p", {}, h("a", { href: "#/friends" }, "← Friends")),
    h("h1", { dir: "auto" }, person.display_name),
    h("p", { class: "muted" }, `@${person.username}${person.follows_you ? " · follows you" : ""}`),
    h(
      "dl",
      { class: "stats card" },
      h("div", { class: "stat" }, h("dt", {}, "Day streak"), h("dd", {}, String(person.streak))),
      h("div", { class: "stat" }, h("dt", {}, "Total XP"), h("dd", {}, String(person.total_xp))),
      person.league ? h("div", { class: "stat" }, h("dt", {}, "League"), h("dd", {}, String(person.league.name || person.league.slug || person.league))) : null,
    ),
    messages,
    h(
      "p",
      {},
      toggle,
      " ",
      h(
        "button",
        {
          type: "button",
          class: "link",
          onclick: async () => {
            if (!window.confirm(`Block ${person.display_name}? They will not be able to follow you, find you or see your profile.`)) return;
            try {
              await app.api.post(`users/${encodeURIComponent(username)}/block/`);
              app.flash(`You blocked ${person.display_name}.`);
              app.go("/friends");
            } catch (error) {
              messages.replaceChildren(errorView(error));
            }
          },
        },
        "Block",
      ),
    ),
    person.achievements && person.achievements.length
      ? h("section", { class: "card" }, h("h2", {}, "Achievements"), h("ul", {}, person.achievements.map((a) => h("li", {}, icon("trophy"), ` ${a.name}${a.tier ? ` · tier ${a.tier}` : ""}`))))
      : null,
  );
  focusFirst(view.root);
}
