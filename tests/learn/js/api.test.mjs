// The token refresh queue: one refresh in flight, every 401 retried once with the new token.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createApi } from "../../../learn/static/learn/js/api.js";
import { createTokenStore } from "../../../learn/static/learn/js/tokens.js";

function memoryStorage() {
  const data = new Map();
  return {
    getItem: (key) => (data.has(key) ? data.get(key) : null),
    setItem: (key, value) => data.set(key, String(value)),
    removeItem: (key) => data.delete(key),
    data,
  };
}

function reply(status, body) {
  return { status, ok: status >= 200 && status < 300, text: async () => (body === undefined ? "" : JSON.stringify(body)) };
}

// A fake server: access tokens "a1", "a2"...; refresh tokens rotate "r1" -> "r2" -> ...
function fakeServer({ access = "a1", refresh = "r1", refreshDelay = 0 } = {}) {
  const state = { access, refresh, refreshCalls: 0, calls: [] };
  const fetchImpl = async (url, init) => {
    const path = url.replace("/api/v1/", "");
    const token = (init.headers.Authorization || "").replace("Bearer ", "");
    state.calls.push({ path, token });
    if (path === "auth/token/refresh/") {
      state.refreshCalls += 1;
      const body = JSON.parse(init.body);
      await new Promise((resolve) => setTimeout(resolve, refreshDelay));
      if (body.refresh !== state.refresh) return reply(401, { error: { code: "token_not_valid", message: "Token is invalid" } });
      const n = state.refreshCalls + 1;
      state.access = `a${n}`;
      state.refresh = `r${n}`;
      return reply(200, { access: state.access, refresh: state.refresh });
    }
    if (token !== state.access) return reply(401, { error: { code: "token_not_valid", message: "expired" } });
    return reply(200, { path });
  };
  return { state, fetchImpl };
}

test("a call with a good token goes through with it", async () => {
  const { fetchImpl, state } = fakeServer();
  const store = createTokenStore(memoryStorage());
  store.set({ access: "a1", refresh: "r1" });
  const api = createApi({ base: "/api/v1/", store, fetchImpl });
  assert.deepEqual(await api.get("me/"), { path: "me/" });
  assert.equal(state.refreshCalls, 0);
});

test("concurrent 401s share one refresh and each call is retried once with the new token", async () => {
  const { fetchImpl, state } = fakeServer({ refreshDelay: 20 });
  state.access = "a-new-on-server"; // the client's a1 has expired
  const store = createTokenStore(memoryStorage());
  store.set({ access: "a1", refresh: "r1" });
  const api = createApi({ base: "/api/v1/", store, fetchImpl });
  const results = await Promise.all([api.get("one/"), api.get("two/"), api.get("three/")]);
  assert.deepEqual(
    results.map((r) => r.path),
    ["one/", "two/", "three/"],
  );
  assert.equal(state.refreshCalls, 1);
  assert.equal(store.access, "a2");
  assert.equal(store.refresh, "r2");
});

test("the rotated refresh token replaces the old one in storage", async () => {
  const { fetchImpl, state } = fakeServer();
  state.access = "expired-everywhere";
  const storage = memoryStorage();
  const store = createTokenStore(storage);
  store.set({ access: "a1", refresh: "r1" });
  const api = createApi({ base: "/api/v1/", store, fetchImpl });
  await api.get("me/");
  assert.equal(storage.getItem("lingua.refresh"), "r2");
});

test("after a reload only the refresh token is known: the first call refreshes first", async () => {
  const { fetchImpl, state } = fakeServer();
  const storage = memoryStorage();
  storage.setItem("lingua.refresh", "r1");
  const store = createTokenStore(storage);
  assert.equal(store.access, null);
  const api = createApi({ base: "/api/v1/", store, fetchImpl });
  await api.get("me/");
  assert.deepEqual(
    state.calls.map((c) => c.path),
    ["auth/token/refresh/", "me/"],
  );
});

test("a refused refresh token signs out once and the call fails", async () => {
  const { fetchImpl, state } = fakeServer();
  state.refresh = "someone-else-rotated-it";
  state.access = "expired";
  const store = createTokenStore(memoryStorage());
  store.set({ access: "a1", refresh: "r1" });
  let signedOut = 0;
  const api = createApi({ base: "/api/v1/", store, fetchImpl, onSignedOut: () => (signedOut += 1) });
  await assert.rejects(Promise.all([api.get("one/"), api.get("two/")]), (error) => error.status === 401);
  assert.equal(signedOut, 1);
  assert.equal(store.signedIn, false);
});

test("a call retried after a refresh is not retried a second time", async () => {
  let calls = 0;
  const fetchImpl = async (url) => {
    calls += 1;
    if (url.endsWith("auth/token/refresh/")) return reply(200, { access: "a2", refresh: "r2" });
    return reply(401, { error: { code: "token_not_valid", message: "no" } });
  };
  const store = createTokenStore(memoryStorage());
  store.set({ access: "a1", refresh: "r1" });
  const api = createApi({ base: "/api/v1/", store, fetchImpl });
  await assert.rejects(api.get("me/"), (error) => error.status === 401);
  assert.equal(calls, 3); // the call, the refresh, the one retry
});

test("errors carry the API's code, message and fields", async () => {
  const fetchImpl = async () => reply(400, { error: { code: "invalid", message: "Bad input", fields: { email: ["Enter a valid email."] } } });
  const api = createApi({ base: "/api/v1/", store: createTokenStore(null), fetchImpl });
  await assert.rejects(api.publicPost("auth/register/", {}), (error) => error.code === "invalid" && error.fields.email[0] === "Enter a valid email." && error.message === "Bad input");
});

test("a network failure is an error with the network code, and keeps the sign-in", async () => {
  const fetchImpl = async () => {
    throw new TypeError("Failed to fetch");
  };
  const store = createTokenStore(memoryStorage());
  store.set({ access: null, refresh: "r1" });
  const api = createApi({ base: "/api/v1/", store, fetchImpl });
  await assert.rejects(api.get("me/"), (error) => error.code === "network");
  assert.equal(store.refresh, "r1");
});
