// Small inline SVG icons: emoji depend on the fonts a device has (a bare Linux has none for
// them), and icon fonts would be a download from somewhere.

import { svg } from "./dom.js";

const PATHS = {
  flame: ["#f76707", "M12 2c1 4 5 6 5 11a5 5 0 0 1-10 0c0-2 1-4 2-5 0 2 1 3 2 3 0-3-1-6 1-9z"],
  bolt: ["#fab005", "M13 2 4 14h6l-1 8 9-12h-6z"],
  heart: ["#e03131", "M12 21s-8-5-8-11a4.5 4.5 0 0 1 8-3 4.5 4.5 0 0 1 8 3c0 6-8 11-8 11z"],
  gem: ["#1c7ed6", "M6 3h12l4 6-10 12L2 9z"],
  lock: ["#868e96", "M7 10V7a5 5 0 0 1 10 0v3h2v11H5V10zm2 0h6V7a3 3 0 0 0-6 0z"],
  trophy: ["#f59f00", "M7 3h10v3h4v2a5 5 0 0 1-5 5 5 5 0 0 1-3 2v3h3v3H8v-3h3v-3a5 5 0 0 1-3-2 5 5 0 0 1-5-5V6h4zm0 5H5a3 3 0 0 0 2 3zm10 0v3a3 3 0 0 0 2-3z"],
  check: ["#2b8a3e", "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z"],
  target: ["#ae3ec9", "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 4a6 6 0 1 1 0 12 6 6 0 0 1 0-12zm0 3a3 3 0 1 0 0 6 3 3 0 0 0 0-6z"],
};

export function icon(name, label) {
  const [color, d] = PATHS[name] || PATHS.check;
  return svg(
    "svg",
    { class: `icon icon-${name}`, viewBox: "0 0 24 24", width: 18, height: 18, "aria-hidden": label ? null : "true", role: label ? "img" : null, "aria-label": label || null, focusable: "false" },
    svg("path", { d, fill: color }),
  );
}
