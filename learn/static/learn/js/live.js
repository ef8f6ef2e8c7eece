// A WebSocket that stays open while a screen wants it: the access token rides in the query
// string (?token=), as the server's JWT middleware reads it. Close code 4401 says the token was
// refused (it expired while the socket was open, say): reconnect at once with a fresh one. Any
// other unexpected close: reconnect after a growing pause, with a fresh token as well, since the
// one used may be close to expiry.

export const CLOSE_UNAUTHORIZED = 4401;

export function backoff(attempt, { base = 1000, max = 30000 } = {}) {
  return Math.min(max, base * 2 ** Math.max(0, attempt));
}

export function socketUrl(location, path, token) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}?token=${encodeURIComponent(token)}`;
}

export function liveSocket({ path, token, freshToken, onMessage, onState, WebSocketImpl, location, schedule }) {
  const Impl = WebSocketImpl || globalThis.WebSocket;
  const where = location || globalThis.location;
  const later = schedule || ((fn, ms) => setTimeout(fn, ms));
  let socket = null;
  let stopped = false;
  let attempt = 0;

  async function open(useFresh) {
    if (stopped) return;
    let access;
    try {
      access = useFresh || !token() ? await freshToken() : token();
    } catch {
      onState?.("offline");
      if (!stopped) later(() => open(true), backoff(attempt++));
      return;
    }
    if (stopped) return;
    socket = new Impl(socketUrl(where, path, access));
    onState?.("connecting");
    socket.onopen = () => {
      attempt = 0;
      onState?.("live");
    };
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      onMessage(message);
    };
    socket.onclose = (event) => {
      socket = null;
      if (stopped) return;
      onState?.("offline");
      if (event.code === CLOSE_UNAUTHORIZED && attempt === 0) {
        attempt += 1;
        open(true);
      } else {
        later(() => open(true), backoff(attempt++));
      }
    };
  }

  open(false);
  return {
    close() {
      stopped = true;
      if (socket) socket.close(1000);
    },
  };
}
