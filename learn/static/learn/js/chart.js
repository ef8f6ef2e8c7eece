// The review forecast as an inline SVG bar chart: no library, no canvas, readable by a screen
// reader through its title and a table beside it.

import { svg } from "./dom.js";

// The bar geometry, apart from the drawing so it can be tested without a DOM.
export function bars(days, { width = 320, height = 140, gap = 4, top = 18, bottom = 20 } = {}) {
  const max = Math.max(1, ...days.map((day) => day.count));
  const slot = days.length ? width / days.length : width;
  const plot = height - top - bottom;
  return days.map((day, index) => {
    const barHeight = Math.round((day.count / max) * plot);
    return {
      date: day.date,
      count: day.count,
      x: Math.round(index * slot + gap / 2),
      width: Math.max(1, Math.round(slot - gap)),
      y: top + plot - barHeight,
      height: barHeight,
    };
  });
}

function dayLabel(date, index) {
  if (index === 0) return "Today";
  const parsed = new Date(`${date}T12:00:00`);
  return Number.isNaN(parsed.getTime()) ? date : parsed.toLocaleDateString(undefined, { weekday: "short" });
}

export function forecastChart(days) {
  const width = 320;
  const height = 140;
  const geometry = bars(days, { width, height });
  const total = days.reduce((sum, day) => sum + day.count, 0);
  return svg(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": `Reviews due over the next ${days.length} days: ${total} in all` },
    svg("title", {}, `Reviews due over the next ${days.length} days`),
    geometry.map((bar, index) =>
      svg(
        "g",
        { class: "bar" },
        svg("rect", { x: bar.x, y: bar.y, width: bar.width, height: bar.height, rx: 3 }),
        svg("text", { x: bar.x + bar.width / 2, y: bar.y - 4, "text-anchor": "middle", class: "count" }, String(bar.count)),
        svg("text", { x: bar.x + bar.width / 2, y: height - 6, "text-anchor": "middle", class: "day" }, dayLabel(bar.date, index)),
      ),
    ),
  );
}
