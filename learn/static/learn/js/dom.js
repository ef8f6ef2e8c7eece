// Elements are built with h(): text goes in as text nodes, never as HTML, so course text and
// other learners' names cannot inject markup (and the page needs no inline script or style).

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function mount(root, ...children) {
  root.replaceChildren();
  append(root, children);
}

// Screen readers hear what changed without the focus moving.
export function announce(text) {
  const region = document.getElementById("announce");
  if (!region) return;
  region.textContent = "";
  // A new text node in a later task, so the same message twice is read twice.
  setTimeout(() => {
    region.textContent = text;
  }, 30);
}

// After a screen is drawn: the focus goes to its heading (or a given element), so keyboard and
// screen-reader users start where the new content starts.
export function focusFirst(root, selector = "h1") {
  const target = (selector && root.querySelector(selector)) || root;
  if (!target.hasAttribute("tabindex") && !isFocusable(target)) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: false });
}

function isFocusable(el) {
  return ["INPUT", "BUTTON", "TEXTAREA", "SELECT", "A"].includes(el.tagName);
}

export function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

// The API's error shape as lines for people: the message, then each field's problems.
export function errorView(error) {
  if (!error) return null;
  const lines = [];
  const fields = error.fields || {};
  for (const [field, problems] of Object.entries(fields)) {
    for (const problem of problems) lines.push(field === "non_field_errors" ? problem : `${field}: ${problem}`);
  }
  return h(
    "div",
    { class: "error", role: "alert" },
    h("p", {}, error.message || "Something went wrong."),
    lines.length ? h("ul", {}, lines.map((line) => h("li", {}, line))) : null,
  );
}

export function dateText(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
