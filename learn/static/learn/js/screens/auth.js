// Sign up, sign in (with the TOTP step), password reset. The forms are plain forms: Enter
// submits, the browser's password manager recognises them.

import { errorView, focusFirst, formData, h } from "../dom.js";

function field(label, attrs) {
  const id = `f-${attrs.name}`;
  return h("p", { class: "field" }, h("label", { for: id }, label), h("input", { id, ...attrs }));
}

function authForm({ title, intro, fields, submitLabel, onSubmit, links }) {
  const errors = h("div", { class: "form-errors" });
  const button = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h(
    "form",
    {
      class: "card auth",
      novalidate: false,
      onsubmit: async (event) => {
        event.preventDefault();
        errors.replaceChildren();
        button.disabled = true;
        try {
          await onSubmit(formData(form), { errors, form });
        } catch (error) {
          errors.replaceChildren(errorView(error));
          const first = error.fields && Object.keys(error.fields)[0];
          const input = first && form.querySelector(`[name="${first}"]`);
          (input || errors).focus?.();
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h1", {}, title),
    intro ? h("p", {}, intro) : null,
    errors,
    fields,
    h("p", {}, button),
    links ? h("p", { class: "links" }, links) : null,
  );
  return form;
}

export async function signIn(app, view) {
  const form = authForm({
    title: "Sign in",
    fields: [
      field("Email", { name: "email", type: "email", autocomplete: "username", required: true }),
      field("Password", { name: "password", type: "password", autocomplete: "current-password", required: true }),
    ],
    submitLabel: "Sign in",
    links: [h("a", { href: "#/signup" }, "Create an account"), " · ", h("a", { href: "#/reset" }, "Forgot your password?")],
    onSubmit: async (data) => {
      try {
        const pair = await app.api.publicPost("auth/token/", { email: data.email, password: data.password });
        await app.signedIn(pair);
      } catch (error) {
        if (error.code === "mfa_required") {
          const token = (error.body && (error.body.mfa_token || error.body.error?.mfa_token)) || "";
          mfaStep(app, view, token);
          return;
        }
        throw error;
      }
    },
  });
  view.mount(form);
  focusFirst(form, "input");
}

function mfaStep(app, view, mfaToken) {
  const form = authForm({
    title: "Two-step sign-in",
    intro: "Enter the 6-digit code from your authenticator app (or a recovery code).",
    fields: [
      field("Code", { name: "code", inputmode: "numeric", autocomplete: "one-time-code", required: true, maxlength: 64 }),
    ],
    submitLabel: "Verify",
    links: [h("a", { href: "#/signin" }, "Start again")],
    onSubmit: async (data) => {
      const pair = await app.api.publicPost("auth/token/mfa/", { mfa_token: mfaToken, code: data.code.trim() });
      await app.signedIn(pair);
    },
  });
  view.mount(form);
  focusFirst(form, "input");
}

export async function signUp(app, view) {
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const form = authForm({
    title: "Create your account",
    fields: [
      field("Your name", { name: "display_name", autocomplete: "nickname", required: true, maxlength: 80, dir: "auto" }),
      field("Email", { name: "email", type: "email", autocomplete: "email", required: true }),
      field("Password", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 8 }),
    ],
    submitLabel: "Sign up",
    links: [h("a", { href: "#/signin" }, "I already have an account")],
    onSubmit: async (data) => {
      const body = { email: data.email, password: data.password, display_name: data.display_name };
      if (timezone) body.timezone = timezone;
      await app.api.publicPost("auth/register/", body);
      const pair = await app.api.publicPost("auth/token/", { email: data.email, password: data.password });
      await app.signedIn(pair);
    },
  });
  view.mount(form);
  focusFirst(form, "input");
}

export async function resetRequest(app, view) {
  const form = authForm({
    title: "Reset your password",
    intro: "We will email you a link to choose a new password.",
    fields: [field("Email", { name: "email", type: "email", autocomplete: "email", required: true })],
    submitLabel: "Send the link",
    links: [h("a", { href: "#/signin" }, "Back to sign in")],
    onSubmit: async (data) => {
      await app.api.publicPost("auth/password/reset/", { email: data.email });
      view.mount(
        h(
          "section",
          { class: "card" },
          h("h1", {}, "Check your email"),
          h("p", {}, "If an account uses that address, a reset link is on its way."),
          h("p", {}, h("a", { href: "#/signin" }, "Back to sign in")),
        ),
      );
      focusFirst(view.root);
    },
  });
  view.mount(form);
  focusFirst(form, "input");
}

// The mailed link can point here (PASSWORD_RESET_URL=.../learn/#/reset/confirm?uid={uid}&token={token}).
export async function resetConfirm(app, view, { query }) {
  const form = authForm({
    title: "Choose a new password",
    fields: [field("New password", { name: "password", type: "password", autocomplete: "new-password", required: true })],
    submitLabel: "Save the password",
    onSubmit: async (data) => {
      await app.api.publicPost("auth/password/reset/confirm/", { uid: query.uid || "", token: query.token || "", password: data.password });
      app.flash("Your password is changed: sign in with it.");
      app.go("/signin");
    },
  });
  view.mount(form);
  focusFirst(form, "input");
}
