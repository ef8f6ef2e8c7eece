// The learner web client: one page, screens drawn by route, the API its only source of data.

import { createApi } from "./api.js";
import { announce, focusFirst, h, mount } from "./dom.js";
import { icon } from "./icons.js";
import { createRouter } from "./router.js";
import { createTokenStore } from "./tokens.js";
import * as auth from "./screens/auth.js";
import * as learn from "./screens/learn.js";
import * as reviews from "./screens/reviews.js";
import * as me from "./screens/me.js";
import * as social from "./screens/social.js";
import * as league from "./screens/league.js";
import * as classes from "./screens/classes.js";
import * as account from "./screens/account.js";

const PUBLIC = new Set(["/signin", "/signup", "/reset", "/reset/confirm"]);

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const hud = document.getElementById("hud");
const base = document.querySelector('meta[name="lingua-api"]').content;

let storage = null;
try {
  storage = window.sessionStorage;
} catch {
  storage = null;
}
const store = createTokenStore(storage);

const app = {
  store,
  storage,
  api: null,
  main,
  go(path) {
    if (location.hash === `#${path}`) route();
    else location.hash = path;
  },
  async signedIn(pair) {
    store.set(pair);
    const next = (storage && storage.getItem("lingua.next")) || "/";
    if (storage) storage.removeItem("lingua.next");
    app.go(next);
  },
  async signOut() {
    const refresh = store.refresh;
    store.clear();
    if (storage) storage.removeItem("lingua.session");
    if (refresh) {
      try {
        await app.api.publicPost("auth/logout/", { refresh });
      } catch {
        // Signed out here either way; the token expires on its own.
      }
    }
    app.go("/signin");
  },
  // A note for the next screen (after a redirect), shown above it once.
  flash(text) {
    pendingFlash = text;
  },
  // The header's streak, XP, hearts and gems, from me/stats/.
  async refreshHud() {
    if (!store.signedIn) return;
    try {
      const stats = await app.api.get("me/stats/");
      mount(
        hud,
        h("span", { class: "hud-item", title: "Day streak" }, icon("flame", "Day streak"), h("b", { "data-testid": "hud-streak" }, String(stats.streak))),
        h("span", { class: "hud-item", title: "Total XP" }, icon("bolt", "Total XP"), h("b", { "data-testid": "hud-xp" }, String(stats.total_xp))),
        h("span", { class: "hud-item", title: "Hearts" }, icon("heart", "Hearts"), h("b", { "data-testid": "hud-hearts" }, String(stats.hearts))),
        h("span", { class: "hud-item", title: "Gems" }, icon("gem", "Gems"), h("b", {}, String(stats.gems))),
      );
      hud.hidden = false;
    } catch {
      hud.hidden = true;
    }
  },
};

app.api = createApi({
  base,
  store,
  onSignedOut: () => {
    if (!PUBLIC.has(router.resolve(location.hash).path)) app.go("/signin");
  },
});

const router = createRouter(
  {
    "/": learn.home,
    "/signin": auth.signIn,
    "/signup": auth.signUp,
    "/reset": auth.resetRequest,
    "/reset/confirm": auth.resetConfirm,
    "/course/:slug": learn.coursePath,
    "/lesson/:id": learn.lessonStart,
    "/session/:id": learn.session,
    "/practice": learn.practice,
    "/reviews": reviews.reviewScreen,
    "/stats": me.stats,
    "/shop": me.shop,
    "/friends": social.friends,
    "/user/:username": social.profile,
    "/league": league.league,
    "/classes": classes.classes,
    "/account": account.account,
  },
  { notFound: notFound },
);

function notFound(appRef, view) {
  view.mount(h("section", { class: "card" }, h("h1", {}, "Nothing here"), h("p", {}, h("a", { href: "#/" }, "Go to your courses"))));
}

let current = { id: 0, cleanup: null };
let pendingFlash = null;

async function route() {
  const target = router.resolve(location.hash);
  if (current.cleanup) {
    try {
      current.cleanup();
    } catch {
      // A screen's cleanup failing must not stop the next screen.
    }
  }
  const id = current.id + 1;
  current = { id, cleanup: null };
  const signed = store.signedIn;
  nav.hidden = !signed;
  if (!signed) hud.hidden = true;
  if (!signed && !PUBLIC.has(target.path)) {
    if (storage && target.path !== "/") storage.setItem("lingua.next", target.path);
    location.replace("#/signin");
    return;
  }
  if (signed && (target.path === "/signin" || target.path === "/signup")) {
    location.replace("#/");
    return;
  }
  for (const link of nav.querySelectorAll("a")) {
    const path = link.getAttribute("href").slice(1);
    if (path === target.path || (path !== "/" && target.path.startsWith(path))) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const view = {
    root: main,
    alive: () => current.id === id,
    mount(...children) {
      if (current.id === id) mount(main, ...children);
    },
    onLeave(fn) {
      if (current.id === id) current.cleanup = fn;
      else fn();
    },
  };
  document.body.classList.remove("playing");
  try {
    await target.handler(app, view, { params: target.params, query: target.query });
  } catch (error) {
    if (!view.alive()) return;
    if (error.status === 401 && !store.signedIn) return;
    view.mount(
      h(
        "section",
        { class: "card" },
        h("h1", {}, "Something went wrong"),
        h("p", { role: "alert" }, error.message || String(error)),
        h("p", {}, h("button", { type: "button", onclick: () => route() }, "Try again")),
      ),
    );
    focusFirst(main);
  }
  if (pendingFlash && view.alive()) {
    main.prepend(h("p", { class: "flash", role: "status" }, pendingFlash));
    announce(pendingFlash);
    pendingFlash = null;
  }
  if (signed && view.alive()) app.refreshHud();
}

document.getElementById("signout").addEventListener("click", () => app.signOut());
window.addEventListener("hashchange", route);
store.onChange((signed) => {
  nav.hidden = !signed;
});
route();
