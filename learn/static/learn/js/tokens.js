// Where the tokens live, and why.
//
// The access token (15 minutes) is kept in memory only: no storage a script can enumerate, gone
// with the tab. The refresh token (30 days, rotated at each use, revoked at sign-out) is kept in
// sessionStorage so that a reload does not sign the learner out: sessionStorage belongs to this
// origin and this tab alone (no other site's script can read it, unlike a cookie sent with every
// request it is never sent anywhere by the browser, and it is gone when the tab closes). The one
// reader we cannot keep out is a script injected into this very page, which a strict
// Content-Security-Policy (scripts from this site only, no inline script) and building every
// element from text nodes (dom.js) guard against. An HttpOnly cookie would hide the refresh
// token even from such a script, but the API takes the refresh token in the body: moving it to
// a cookie would need a new, CSRF-protected endpoint, which a mobile client would not use.

const REFRESH_KEY = "lingua.refresh";

export function createTokenStore(storage) {
  let access = null;
  let refresh = null;
  try {
    refresh = storage ? storage.getItem(REFRESH_KEY) : null;
  } catch {
    refresh = null; // storage refused (privacy mode): memory only, a reload signs out
  }
  const listeners = new Set();
  return {
    get access() {
      return access;
    },
    get refresh() {
      return refresh;
    },
    get signedIn() {
      return Boolean(access || refresh);
    },
    set(pair) {
      access = pair.access || null;
      refresh = pair.refresh || null;
      try {
        if (storage) {
          if (refresh) storage.setItem(REFRESH_KEY, refresh);
          else storage.removeItem(REFRESH_KEY);
        }
      } catch {
        // Memory still holds the pair.
      }
      for (const listener of listeners) listener(this.signedIn);
    },
    clear() {
      this.set({ access: null, refresh: null });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
