// The one door to the API: JSON in and out, the bearer token, errors in the API's one shape,
// and silent refresh.
//
// Refresh rotates (the old refresh token stops working at once), so two refreshes in flight
// would spend the same token twice and the second would sign the learner out. One refresh at a
// time, then: every call that meets a 401 waits for the same refresh and is retried once with
// the new access token. A call whose 401 came back after another call already refreshed is
// simply retried with the newer token.

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `The server answered ${status}.`);
    this.status = status;
    this.code = error.code || (status === 0 ? "network" : "error");
    this.fields = error.fields || null;
    this.body = body;
  }
}

export function createApi({ base, store, fetchImpl, onSignedOut }) {
  const doFetch = fetchImpl || ((...args) => globalThis.fetch(...args));
  let refreshing = null;

  async function send(method, path, { body, token } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await doFetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // Never the site's session cookie: the client is a bearer-token client like any other.
        credentials: "omit",
      });
    } catch {
      throw new ApiError(0, {
        error: { code: "network", message: "The server cannot be reached. Check your connection." },
      });
    }
    if (response.status === 204) return null;
    let data = null;
    const text = await response.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function refreshTokens() {
    if (!refreshing) {
      const refresh = store.refresh;
      refreshing = (async () => {
        if (!refresh) throw new ApiError(401, { error: { code: "not_signed_in", message: "Please sign in." } });
        try {
          const pair = await send("POST", "auth/token/refresh/", { body: { refresh } });
          store.set(pair);
          return pair.access;
        } catch (error) {
          // A refused refresh token (expired, revoked, rotated elsewhere) ends the sign-in; a
          // network failure does not: the token may still be good.
          if (error.status === 401 || error.status === 400) {
            store.clear();
            if (onSignedOut) onSignedOut();
          }
          throw error;
        }
      })().finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  async function request(method, path, { body, auth = true } = {}) {
    if (!auth) return send(method, path, { body });
    let token = store.access;
    if (!token && store.refresh) token = await refreshTokens();
    try {
      return await send(method, path, { body, token });
    } catch (error) {
      if (error.status !== 401 || !store.refresh) throw error;
      // Someone refreshed while this call was out: retry with their token, no new refresh.
      const fresh = store.access && store.access !== token ? store.access : await refreshTokens();
      return send(method, path, { body, token: fresh });
    }
  }

  return {
    request,
    refreshTokens,
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, { body: body === undefined ? {} : body }),
    patch: (path, body) => request("PATCH", path, { body }),
    del: (path, body) => request("DELETE", path, { body }),
    publicPost: (path, body) => request("POST", path, { body, auth: false }),
    publicGet: (path) => request("GET", path, { auth: false }),
    // A valid access token for a WebSocket handshake: a fresh one, since the socket cannot retry.
    freshAccess: () => refreshTokens(),
  };
}
