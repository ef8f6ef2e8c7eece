// A hash router: #/course/es-from-en?x=1 -> the route "/course/:slug" with {slug: "es-from-en"}.
// The hash keeps every screen on the one page the server serves at /learn/, so a reload or a
// shared link lands on the same screen without any server-side route per screen.

export function compile(pattern) {
  const keys = [];
  const source = pattern
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        keys.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { pattern, keys, regex: new RegExp(`^${source}/?$`) };
}

export function parseHash(hash) {
  const raw = (hash || "").replace(/^#/, "") || "/";
  const [path, queryString = ""] = raw.split("?");
  const query = Object.fromEntries(new URLSearchParams(queryString).entries());
  return { path: path.startsWith("/") ? path : `/${path}`, query };
}

export function match(routes, path) {
  for (const route of routes) {
    const found = route.compiled.regex.exec(path);
    if (found) {
      const params = {};
      route.compiled.keys.forEach((key, index) => {
        try {
          params[key] = decodeURIComponent(found[index + 1]);
        } catch {
          params[key] = found[index + 1];
        }
      });
      return { route, params };
    }
  }
  return null;
}

export function href(path, query) {
  const qs = query ? new URLSearchParams(query).toString() : "";
  return `#${path}${qs ? `?${qs}` : ""}`;
}

export function createRouter(table, { notFound } = {}) {
  const routes = Object.entries(table).map(([pattern, handler]) => ({
    handler,
    compiled: compile(pattern),
  }));
  return {
    resolve(hash) {
      const { path, query } = parseHash(hash);
      const found = match(routes, path);
      if (!found) return { handler: notFound, params: {}, query, path };
      return { handler: found.route.handler, params: found.params, query, path, pattern: found.route.compiled.pattern };
    },
  };
}
