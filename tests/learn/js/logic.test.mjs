// The client's own logic: answers, the lesson queue, the router, the live socket, the chart.
import assert from "node:assert/strict";
import { test } from "node:test";

import { buildAnswer, newClientId, normalizeText, pairPick, solutionText } from "../../../learn/static/learn/js/answers.js";
import { bars } from "../../../learn/static/learn/js/chart.js";
import { backoff, CLOSE_UNAUTHORIZED, liveSocket, socketUrl } from "../../../learn/static/learn/js/live.js";
import { createQueue } from "../../../learn/static/learn/js/queue.js";
import { createRouter, href, parseHash } from "../../../learn/static/learn/js/router.js";

test("text is tidied: NFC, invisible characters dropped, spaces collapsed and trimmed", () => {
  assert.equal(normalizeText("  Buenos\u00a0  di\u0301as \u200b "), "Buenos días");
  assert.equal(normalizeText("e\u0301"), "\u00e9");
  assert.equal(normalizeText(null), "");
});

test("answers are built in the API's shape for each exercise type", () => {
  assert.deepEqual(buildAnswer({ type: "multiple_choice" }, { option: 7 }), { option: 7 });
  assert.equal(buildAnswer({ type: "multiple_choice" }, {}), null);
  assert.deepEqual(buildAnswer({ type: "translate" }, { text: " Hello  there " }), { text: "Hello there" });
  assert.equal(buildAnswer({ type: "fill_blank" }, { text: "   " }), null);
  assert.deepEqual(buildAnswer({ type: "listen_type" }, { text: "hola" }), { text: "hola" });
  const bank = { type: "word_bank", tiles: ["noches", "Buenas", "días"] };
  assert.deepEqual(buildAnswer(bank, { tiles: [1, 0] }), { text: "Buenas noches" });
  assert.equal(buildAnswer(bank, { tiles: [] }), null);
  const pairs = { type: "match_pairs", left: ["hola", "adiós"], right: ["goodbye", "hello"] };
  assert.equal(buildAnswer(pairs, { pairs: [["hola", "hello"]] }), null);
  assert.deepEqual(buildAnswer(pairs, { pairs: [["hola", "hello"], ["adiós", "goodbye"]] }), {
    pairs: [
      ["hola", "hello"],
      ["adiós", "goodbye"],
    ],
  });
});

test("match pairs: a left then a right make a pair, either order; picking a paired one undoes it", () => {
  let state = { pairs: [] };
  state = pairPick(state, "left", "hola");
  assert.deepEqual(state.pending, { side: "left", value: "hola" });
  state = pairPick(state, "right", "hello");
  assert.deepEqual(state.pairs, [["hola", "hello"]]);
  state = pairPick(state, "right", "goodbye");
  state = pairPick(state, "left", "adiós");
  assert.deepEqual(state.pairs, [
    ["hola", "hello"],
    ["adiós", "goodbye"],
  ]);
  state = pairPick(state, "right", "hello");
  assert.deepEqual(state.pairs, [["adiós", "goodbye"]]);
  // Two picks on the same side: the second replaces the first.
  state = pairPick(pairPick(state, "left", "a"), "left", "b");
  assert.deepEqual(state.pending, { side: "left", value: "b" });
});

test("solutions read as text, match pairs as left = right", () => {
  assert.equal(solutionText("Hello"), "Hello");
  assert.equal(
    solutionText([
      ["hola", "hello"],
      ["adiós", "goodbye"],
    ]),
    "hola = hello, adiós = goodbye",
  );
});

test("client ids are UUIDs, fresh each time", () => {
  const id = newClientId();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(id, newClientId());
});

const exercises = [{ id: 1 }, { id: 2 }, { id: 3 }];

test("the queue asks each exercise once, then the mistakes again at the end until right", () => {
  const queue = createQueue(exercises);
  const asked = [];
  const wrongOnce = new Set([1, 2]);
  while (!queue.finished) {
    const { id } = queue.current;
    asked.push([id, queue.isRetry]);
    const right = !wrongOnce.has(id);
    wrongOnce.delete(id);
    queue.record(right);
  }
  assert.deepEqual(asked, [
    [1, false],
    [2, false],
    [3, false],
    [1, true],
    [2, true],
  ]);
  assert.equal(queue.mistakes, 2);
  assert.equal(queue.doneCount, 3);
});

test("reviews do not come back: without retry a wrong answer is done", () => {
  const queue = createQueue(exercises, { retry: false });
  queue.record(false);
  queue.record(true);
  queue.record(true);
  assert.equal(queue.finished, true);
});

test("resuming: unanswered exercises first, then those answered wrong, as retries", () => {
  const queue = createQueue([
    { id: 1, answered: true, correct: true },
    { id: 2, answered: true, correct: false },
    { id: 3, answered: false },
  ]);
  assert.deepEqual(queue.remaining(), [3, 2]);
  assert.equal(queue.doneCount, 1);
  queue.record(true);
  assert.equal(queue.isRetry, true);
});

test("the router matches patterns, decodes parameters and reads the query", () => {
  const router = createRouter({ "/": "home", "/course/:slug": "course", "/user/:username": "user" }, { notFound: "none" });
  assert.equal(router.resolve("").handler, "home");
  assert.equal(router.resolve("#/").handler, "home");
  const course = router.resolve("#/course/es-from-en?tab=path");
  assert.equal(course.handler, "course");
  assert.deepEqual(course.params, { slug: "es-from-en" });
  assert.deepEqual(course.query, { tab: "path" });
  assert.deepEqual(router.resolve("#/user/ana%20b").params, { username: "ana b" });
  assert.equal(router.resolve("#/course/").handler, "none");
  assert.equal(router.resolve("#/course/a/b").handler, "none");
  assert.equal(router.resolve("#/course/a/").handler, "course");
  assert.deepEqual(parseHash("#reviews"), { path: "/reviews", query: {} });
  assert.equal(href("/reset/confirm", { uid: "u", token: "t" }), "#/reset/confirm?uid=u&token=t");
});

test("chart bars scale to the busiest day and keep zero days flat", () => {
  const geometry = bars(
    [
      { date: "2026-12-02", count: 4 },
      { date: "2026-12-03", count: 0 },
      { date: "2026-12-04", count: 2 },
    ],
    { width: 300, height: 140, top: 20, bottom: 20, gap: 0 },
  );
  assert.equal(geometry[0].height, 100);
  assert.equal(geometry[1].height, 0);
  assert.equal(geometry[2].height, 50);
  assert.equal(geometry[2].x, 200);
  assert.equal(geometry[0].y + geometry[0].height, 120);
});

class FakeSocket {
  static opened = [];
  constructor(url) {
    this.url = url;
    FakeSocket.opened.push(this);
  }
  close(code = 1000) {
    this.onclose?.({ code });
  }
}

test("the live socket reconnects at once with a fresh token on 4401, and stops on close()", async () => {
  FakeSocket.opened = [];
  const messages = [];
  let fresh = 0;
  const socket = liveSocket({
    path: "/ws/leaderboard/",
    token: () => "old",
    freshToken: async () => `fresh${++fresh}`,
    onMessage: (message) => messages.push(message),
    WebSocketImpl: FakeSocket,
    location: { protocol: "https:", host: "example.org" },
    schedule: () => {},
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(FakeSocket.opened[0].url, "wss://example.org/ws/leaderboard/?token=old");
  FakeSocket.opened[0].onopen();
  FakeSocket.opened[0].onmessage({ data: JSON.stringify({ type: "standings", standings: [] }) });
  FakeSocket.opened[0].onmessage({ data: "not json" });
  assert.deepEqual(messages, [{ type: "standings", standings: [] }]);
  FakeSocket.opened[0].onclose({ code: CLOSE_UNAUTHORIZED });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(FakeSocket.opened.length, 2);
  assert.equal(FakeSocket.opened[1].url, "wss://example.org/ws/leaderboard/?token=fresh1");
  socket.close();
  assert.equal(FakeSocket.opened.length, 2);
});

test("other closes wait longer each time before reconnecting", async () => {
  FakeSocket.opened = [];
  const waits = [];
  liveSocket({
    path: "/ws/x/",
    token: () => "t",
    freshToken: async () => "f",
    onMessage: () => {},
    WebSocketImpl: FakeSocket,
    location: { protocol: "http:", host: "h" },
    schedule: (fn, ms) => {
      waits.push(ms);
      fn();
    },
  });
  await new Promise((resolve) => setImmediate(resolve));
  FakeSocket.opened[0].onclose({ code: 1006 });
  await new Promise((resolve) => setImmediate(resolve));
  FakeSocket.opened[1].onclose({ code: 1006 });
  assert.deepEqual(waits, [backoff(0), backoff(1)]);
  assert.equal(socketUrl({ protocol: "http:", host: "h" }, "/ws/x/", "a b"), "ws://h/ws/x/?token=a%20b");
});
