// The learner's account: name, username, daily goal, time zone, privacy, and two-step sign-in.

import { announce, errorView, focusFirst, formData, h } from "../dom.js";

const GOALS = [
  [10, "Casual (10 XP a day)"],
  [20, "Regular (20 XP a day)"],
  [30, "Serious (30 XP a day)"],
  [50, "Intense (50 XP a day)"],
];

function row(label, input) {
  return h("p", { class: "field" }, h("label", { for: input.id }, label), input);
}

function check(label, name, checked) {
  return h("p", { class: "field check" }, h("label", {}, h("input", { type: "checkbox", name, checked }), " ", label));
}

export async function account(app, view) {
  const me = await app.api.get("me/");
  const messages = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "card",
      onsubmit: async (event) => {
        event.preventDefault();
        messages.replaceChildren();
        const data = formData(form);
        try {
          await app.api.patch("me/", {
            display_name: data.display_name,
            username: data.username,
            daily_goal_xp: Number(data.daily_goal_xp),
            timezone: data.timezone,
            profile_public: data.profile_public === "on",
            leaderboard_opt_out: data.leaderboard_opt_out === "on",
          });
          // The messages region is live: screen readers hear this without announce().
          messages.replaceChildren(h("p", { class: "flash" }, "Saved."));
          app.refreshHud();
        } catch (error) {
          messages.replaceChildren(errorView(error));
        }
      },
    },
    h("h2", {}, "Profile"),
    row("Your name", h("input", { id: "a-name", name: "display_name", value: me.display_name, maxlength: 80, dir: "auto", required: true })),
    row("Username", h("input", { id: "a-username", name: "username", value: me.username || "", minlength: 3, maxlength: 30, autocapitalize: "off", spellcheck: "false" })),
    row(
      "Daily goal",
      h(
        "select",
        { id: "a-goal", name: "daily_goal_xp" },
        GOALS.map(([value, label]) => h("option", { value: String(value), selected: value === me.daily_goal_xp }, label)),
      ),
    ),
    row("Time zone", h("input", { id: "a-tz", name: "timezone", value: me.timezone, autocomplete: "off" })),
    check("Others can see my profile", "profile_public", me.profile_public),
    check("Leave me out of the league tables", "leaderboard_opt_out", me.leaderboard_opt_out),
    messages,
    h("p", {}, h("button", { type: "submit", class: "primary" }, "Save")),
  );
  const mfa = h("section", { class: "card" });
  view.mount(h("h1", {}, "Account"), h("p", { class: "muted" }, me.email), form, mfa);
  drawMfa(app, mfa, me.totp_enabled);
  focusFirst(view.root);
}

function drawMfa(app, root, enabled) {
  const errors = h("div", { "aria-live": "polite" });
  if (enabled) {
    const form = h(
      "form",
      {
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            await app.api.del("me/mfa/totp/", { code: formData(form).code.trim() });
            announce("Two-step sign-in is off.");
            drawMfa(app, root, false);
          } catch (error) {
            errors.replaceChildren(errorView(error));
          }
        },
      },
      h("label", { for: "mfa-off" }, "A code from your app, or a recovery code"),
      h("div", { class: "row" }, h("input", { id: "mfa-off", name: "code", autocomplete: "one-time-code", required: true }), h("button", { type: "submit" }, "Turn off")),
    );
    root.replaceChildren(h("h2", {}, "Two-step sign-in"), h("p", {}, "On: signing in asks for a code from your authenticator app."), form, errors);
    return;
  }
  const start = h(
    "button",
    {
      type: "button",
      onclick: async () => {
        try {
          const setup = await app.api.get("me/mfa/totp/");
          confirmStep(app, root, setup);
        } catch (error) {
          errors.replaceChildren(errorView(error));
        }
      },
    },
    "Turn on two-step sign-in",
  );
  root.replaceChildren(h("h2", {}, "Two-step sign-in"), h("p", {}, "Off. With it on, signing in also asks for a code from an authenticator app."), h("p", {}, start), errors);
}

function confirmStep(app, root, setup) {
  const errors = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const result = await app.api.post("me/mfa/totp/", { code: formData(form).code.trim() });
          root.replaceChildren(
            h("h2", {}, "Two-step sign-in is on"),
            h("p", {}, "Keep these recovery codes somewhere safe: each signs you in once without your app."),
            h("ul", { class: "codes" }, result.recovery_codes.map((code) => h("li", {}, h("code", {}, code)))),
            h("p", {}, h("button", { type: "button", onclick: () => drawMfa(app, root, true) }, "Done")),
          );
          focusFirst(root, "h2");
        } catch (error) {
          errors.replaceChildren(errorView(error));
        }
      },
    },
    h("label", { for: "mfa-code" }, "The 6-digit code your app shows"),
    h("div", { class: "row" }, h("input", { id: "mfa-code", name: "code", inputmode: "numeric", autocomplete: "one-time-code", required: true }), h("button", { type: "submit", class: "primary" }, "Turn on")),
  );
  root.replaceChildren(
    h("h2", {}, "Scan this code with your authenticator app"),
    // The server's QR code drawn as an image: an SVG in <img> runs nothing, and needs no HTML.
    h("img", { class: "qr", alt: "QR code for your authenticator app", src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}` }),
    h("p", {}, "Or type this key: ", h("code", { class: "secret" }, setup.secret)),
    form,
    errors,
  );
  form.querySelector("input").focus();
}
