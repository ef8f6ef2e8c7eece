// Classrooms joined with a teacher's code, and their assignments.

import { announce, errorView, focusFirst, formData, h } from "../dom.js";

const STATUS = { open: "Open", done: "Done", late: "Late", missed: "Missed" };

function list(data) {
  return Array.isArray(data) ? data : data.results || [];
}

export async function classes(app, view) {
  const [rooms, assignments] = await Promise.all([app.api.get("me/classrooms/"), app.api.get("me/assignments/")]);
  const errors = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "card",
      onsubmit: async (event) => {
        event.preventDefault();
        errors.replaceChildren();
        try {
          const room = await app.api.post("classrooms/join/", { code: formData(form).code.trim() });
          announce(`You joined ${room.name}.`);
          await classes(app, view);
        } catch (error) {
          errors.replaceChildren(errorView(error));
        }
      },
    },
    h("h2", {}, "Join a class"),
    h("label", { for: "class-code" }, "Code from your teacher"),
    h("div", { class: "row" }, h("input", { id: "class-code", name: "code", required: true, autocomplete: "off", autocapitalize: "characters" }), h("button", { type: "submit", class: "primary" }, "Join")),
    errors,
  );
  const roomRows = list(rooms);
  const work = list(assignments);
  view.mount(
    h("h1", {}, "Classes"),
    form,
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Your classes"),
      roomRows.length
        ? h(
            "ul",
            { class: "rooms" },
            roomRows.map((room) =>
              h(
                "li",
                {},
                h("b", { dir: "auto" }, room.name),
                h("span", { class: "muted" }, room.teacher ? ` · ${room.teacher}` : "", room.course_title ? " · " : "", room.course ? h("a", { href: `#/course/${encodeURIComponent(room.course)}`, dir: "auto" }, room.course_title || room.course) : null),
                " ",
                h(
                  "button",
                  {
                    type: "button",
                    class: "link",
                    onclick: async () => {
                      await app.api.del(`me/classrooms/${encodeURIComponent(room.id)}/`);
                      announce(`You left ${room.name}.`);
                      await classes(app, view);
                    },
                  },
                  "Leave",
                ),
              ),
            ),
          )
        : h("p", { class: "muted" }, "No classes yet."),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Assignments"),
      work.length
        ? h(
            "ul",
            { class: "assignments" },
            work.map((a) => {
              const progress = a.progress || {};
              const room = roomRows.find((r) => r.id === a.classroom);
              return h(
                "li",
                { class: `assignment ${a.status}`, dataset: { assignment: a.id } },
                h("b", { dir: "auto" }, a.title),
                h("span", { class: `badge ${a.status}` }, STATUS[a.status] || a.status),
                h("span", { class: "muted" }, ` ${a.classroom_name || ""} · due ${a.due_at}`),
                h("progress", { max: "100", value: String(progress.percent || 0), "aria-label": `${a.title}: ${progress.percent || 0}% done` }),
                h(
                  "span",
                  { class: "muted" },
                  `${progress.lessons_done ?? 0} of ${progress.lessons_total ?? (a.lessons || []).length} lessons`,
                  a.xp_goal ? ` · ${progress.xp ?? 0} of ${a.xp_goal} XP` : "",
                ),
                room && a.status === "open" ? h("a", { class: "button", href: `#/course/${encodeURIComponent(room.course)}` }, "Go to the lessons") : null,
              );
            }),
          )
        : h("p", { class: "muted" }, "No assignments."),
    ),
  );
  focusFirst(view.root);
}
