// Courses, the path, and lessons: the catalogue, enrolment, sections -> units -> lessons, the
// lesson player, the completion screen, and resuming a session after a reload.

import { announce, dateText, focusFirst, h } from "../dom.js";
import { newClientId } from "../answers.js";
import { runPlayer } from "../player.js";
import { icon } from "../icons.js";

const SESSION_KEY = "lingua.session";

function rememberSession(app, session) {
  try {
    app.storage?.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Only the "resume" shortcut is lost; the URL still holds the session.
  }
}

function rememberedSession(app) {
  try {
    return JSON.parse(app.storage?.getItem(SESSION_KEY) || "null");
  } catch {
    return null;
  }
}

function forgetSession(app) {
  app.storage?.removeItem(SESSION_KEY);
}

function courseCard(course, action) {
  return h(
    "li",
    { class: "card course", dataset: { slug: course.slug } },
    h("h3", { dir: "auto", lang: course.learning_language?.code }, course.title),
    h("p", { class: "muted" }, `${course.learning_language?.name || ""} for ${course.from_language?.name || ""} speakers`),
    course.description ? h("p", { dir: "auto" }, course.description) : null,
    action,
  );
}

export async function home(app, view) {
  const [mine, catalogue] = await Promise.all([app.api.get("me/courses/"), app.api.get("courses/")]);
  const enrolled = new Set(mine.results.map((row) => row.course.slug));
  const resume = rememberedSession(app);
  const others = catalogue.results.filter((course) => !enrolled.has(course.slug));
  view.mount(
    h("h1", {}, "Your courses"),
    resume
      ? h("p", { class: "card resume" }, "You have a lesson under way. ", h("a", { href: `#/session/${resume.id}`, class: "button primary" }, "Resume the lesson"))
      : null,
    mine.results.length
      ? h("ul", { class: "courses" }, mine.results.map((row) => courseCard(row.course, h("a", { class: "button primary", href: `#/course/${encodeURIComponent(row.course.slug)}` }, "Continue"))))
      : h("p", {}, "Pick a course to start."),
    others.length ? h("h2", {}, "All courses") : null,
    h(
      "ul",
      { class: "courses" },
      others.map((course) =>
        courseCard(
          course,
          h(
            "button",
            {
              type: "button",
              class: "primary",
              onclick: async (event) => {
                event.target.disabled = true;
                await app.api.post(`courses/${encodeURIComponent(course.slug)}/enroll/`);
                announce(`Enrolled in ${course.title}`);
                app.go(`/course/${encodeURIComponent(course.slug)}`);
              },
            },
            `Start ${course.title}`,
          ),
        ),
      ),
    ),
  );
  focusFirst(view.root);
}

const STATUS_LABEL = { completed: "Completed", available: "Start", locked: "Locked" };

export async function coursePath(app, view, { params }) {
  const slug = params.slug;
  const course = await app.api.get(`courses/${encodeURIComponent(slug)}/`);
  const lang = course.learning_language?.code;
  view.mount(
    h("p", {}, h("a", { href: "#/" }, "← Your courses")),
    h("h1", { dir: "auto" }, course.title),
    h(
      "ol",
      { class: "path" },
      course.sections.map((section) =>
        h(
          "li",
          { class: "section" },
          h("h2", { dir: "auto" }, section.title, section.cefr_level ? h("span", { class: "badge" }, section.cefr_level) : null),
          h(
            "ol",
            { class: "units" },
            section.units.map((unit) =>
              h(
                "li",
                // The unit's colour from the course, as an accent: set through the CSSOM, which
                // the page's style-src policy allows (a style attribute it would not).
                { class: "unit card", "data-color": unit.color || null },
                h("h3", { dir: "auto" }, unit.title),
                unit.description ? h("p", { class: "muted", dir: "auto" }, unit.description) : null,
                unit.guidebook ? h("details", {}, h("summary", {}, "Guidebook"), h("p", { dir: "auto", lang }, unit.guidebook)) : null,
                h(
                  "ol",
                  { class: "lessons" },
                  unit.lessons.map((lesson) =>
                    h(
                      "li",
                      { class: `lesson ${lesson.status}`, dataset: { lesson: lesson.id, status: lesson.status } },
                      h("span", { class: "lesson-title", dir: "auto" }, lesson.status === "completed" ? [icon("check", "Completed"), " "] : null, lesson.title),
                      lesson.status === "locked"
                        ? h("span", { class: "status muted" }, icon("lock"), " Locked")
                        : h(
                            "a",
                            {
                              class: `button ${lesson.status === "available" ? "primary" : ""}`,
                              href: `#/lesson/${lesson.id}`,
                              "aria-label": `${lesson.status === "completed" ? "Practise" : "Start"} ${lesson.title}`,
                            },
                            lesson.status === "completed" ? "Practise" : STATUS_LABEL[lesson.status] || "Start",
                          ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  for (const unit of view.root.querySelectorAll(".unit[data-color]")) {
    if (/^#[0-9a-f]{3,8}$/i.test(unit.dataset.color)) unit.style.borderInlineStartColor = unit.dataset.color;
  }
  try {
    app.storage?.setItem("lingua.course", slug);
  } catch {
    // Only the way back after a lesson.
  }
  const next = view.root.querySelector(".lesson.available a") || view.root.querySelector("h1");
  focusFirst(view.root, null);
  next.focus();
  next.scrollIntoView?.({ block: "center" });
}

async function startAndGo(app, view, starter) {
  try {
    const session = await starter();
    rememberSession(app, { id: session.id, lesson: session.lesson });
    location.replace(`#/session/${session.id}`);
  } catch (error) {
    if (error.code === "no_hearts") {
      const when = await nextHeart(app);
      view.mount(
        h(
          "section",
          { class: "card" },
          h("h1", {}, "Out of hearts"),
          h("p", {}, error.message),
          when,
          h("p", {}, h("a", { class: "button primary", href: "#/practice" }, "Practise to earn a heart"), " ", h("a", { class: "button", href: "#/shop" }, "Refill in the shop")),
        ),
      );
      focusFirst(view.root);
      return;
    }
    throw error;
  }
}

export async function lessonStart(app, view, { params }) {
  view.mount(h("p", { class: "loading" }, "Starting the lesson…"));
  await startAndGo(app, view, () => app.api.post(`lessons/${encodeURIComponent(params.id)}/sessions/`));
}

export async function practice(app, view) {
  view.mount(h("p", { class: "loading" }, "Starting a practice…"));
  await startAndGo(app, view, () => app.api.post("practice/hearts/"));
}

function backToPath(app) {
  const slug = app.storage?.getItem("lingua.course");
  return slug ? `/course/${encodeURIComponent(slug)}` : "/";
}

export async function session(app, view, { params }) {
  const id = params.id;
  const data = await app.api.get(`sessions/${encodeURIComponent(id)}/`);
  if (data.status !== "active") {
    forgetSession(app);
    // Finished elsewhere (or before the reload): its result is the completion's, asked again.
    if (data.status === "passed") return complete(app, view, id);
    view.mount(
      h("section", { class: "card" }, h("h1", {}, "This lesson is over"), h("p", {}, "Try it again from the path."), h("a", { class: "button primary", href: `#${backToPath(app)}` }, "Back to the path")),
    );
    focusFirst(view.root);
    return;
  }
  rememberSession(app, { id: data.id, lesson: data.lesson });
  document.body.classList.add("playing");
  const hearts = h("span", { class: "hearts", "data-testid": "hearts" }, data.practice ? "Practice" : [icon("heart", "Hearts"), h("b", {}, String(data.hearts))]);
  const exercises = data.exercises.map((exercise) => ({ ...exercise }));
  // The same answer sent again after a failure (a dropped connection) keeps its client_id, so
  // the server counts it once: a mistake must not cost two hearts because the network hiccuped.
  const pendingIds = new Map();
  runPlayer(view.root, {
    items: exercises,
    header: hearts,
    onExit: () => app.go(backToPath(app)),
    submit: async (item, answer) => {
      let verdict;
      try {
        const key = `${item.id}:${JSON.stringify(answer)}`;
        if (!pendingIds.has(key)) pendingIds.set(key, newClientId());
        verdict = await app.api.post(`sessions/${encodeURIComponent(id)}/answers/`, { exercise: item.id, answer, client_id: pendingIds.get(key) });
        pendingIds.delete(key);
      } catch (error) {
        // Answered right before a reload whose answer never reached the screen: done already.
        if (error.code === "already_answered") {
          return { correct: true, solution: error.body?.error?.solution ?? "", feedback: "" };
        }
        throw error;
      }
      if (!data.practice) {
        for (const count of document.querySelectorAll('[data-testid="hearts"] b, [data-testid="hud-hearts"]')) count.textContent = String(verdict.hearts);
      }
      if (verdict.session_status === "failed") {
        return {
          ...verdict,
          stop: () => outOfHearts(app, view),
        };
      }
      return verdict;
    },
    finish: () => complete(app, view, id),
  });
}

async function nextHeart(app) {
  try {
    const stats = await app.api.get("me/stats/");
    return stats.next_heart_at ? h("p", { class: "muted" }, `The next heart comes back by itself at ${dateText(stats.next_heart_at)}.`) : null;
  } catch {
    return null;
  }
}

async function outOfHearts(app, view) {
  forgetSession(app);
  document.body.classList.remove("playing");
  const when = await nextHeart(app);
  view.mount(
    h(
      "section",
      { class: "card" },
      h("h1", {}, "You ran out of hearts"),
      h("p", {}, "Practise what you have learned to earn a heart back, then try the lesson again."),
      when,
      h("p", {}, h("a", { class: "button primary", href: "#/practice" }, "Practise"), " ", h("a", { class: "button", href: `#${backToPath(app)}` }, "Back to the path")),
    ),
  );
  focusFirst(view.root);
  app.refreshHud();
}

const REWARD_ICON = { achievement: "trophy", quest: "target", gems: "gem" };

async function complete(app, view, id) {
  const result = await app.api.post(`sessions/${encodeURIComponent(id)}/complete/`);
  forgetSession(app);
  document.body.classList.remove("playing");
  const next = result.next_lesson;
  const cont = h("a", { class: "button primary", href: `#${backToPath(app)}` }, "Continue");
  view.mount(
    h(
      "section",
      { class: `card complete ${result.passed ? "passed" : "failed"}`, "data-testid": "lesson-complete" },
      h("h1", {}, result.passed ? (result.practice ? "Practice done!" : "Lesson complete!") : "Not passed this time"),
      h(
        "dl",
        { class: "result" },
        h("div", {}, h("dt", {}, "XP earned"), h("dd", { "data-testid": "xp-earned" }, `+${result.xp_earned}`)),
        h("div", {}, h("dt", {}, "Day streak"), h("dd", { "data-testid": "streak" }, String(result.streak), result.streak_extended ? icon("flame", "extended today") : null)),
        h("div", {}, h("dt", {}, "Score"), h("dd", {}, `${result.score}%`)),
      ),
      result.rewards && result.rewards.length
        ? h(
            "section",
            { class: "rewards" },
            h("h2", {}, "Rewards"),
            h(
              "ul",
              {},
              result.rewards.map((reward) =>
                h("li", { class: `reward ${reward.kind}` }, icon(REWARD_ICON[reward.kind] || "trophy"), ` ${reward.name}`, reward.gems ? ` (+${reward.gems} gems)` : "", reward.tier ? ` · tier ${reward.tier}` : ""),
              ),
            ),
          )
        : null,
      h(
        "p",
        {},
        cont,
        next && next.status !== "locked" ? [" ", h("a", { class: "button", href: `#/lesson/${next.id}` }, `Next: ${next.title}`)] : null,
      ),
    ),
  );
  announce(result.passed ? `Lesson complete. ${result.xp_earned} XP earned. Streak ${result.streak}.` : "Lesson not passed.");
  cont.focus();
  app.refreshHud();
}
