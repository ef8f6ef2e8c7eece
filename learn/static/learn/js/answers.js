// What the client sends as an answer, by exercise type (API.md "An answer, by type"), and the
// light tidying it does first. The server grades (accents, typos, punctuation): the client only
// removes what a keyboard adds by accident, so the learner's answer reaches it as meant.

export const TEXT_TYPES = new Set(["translate", "listen_type", "fill_blank"]);

// NFC (a phone may send "é" as e + combining accent), no invisible characters, one space
// between words, none at the ends.
export function normalizeText(text) {
  return String(text ?? "")
    .normalize("NFC")
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "")
    .replace(/\s+/gu, " ")
    .trim();
}

// The state the player keeps while the learner answers: {text}, {option}, {tiles: [index...]},
// {pairs: [[left, right]...]}. Returns the API's payload, or null while nothing is answered.
export function buildAnswer(exercise, state) {
  const type = exercise.type;
  if (type === "multiple_choice") {
    return state.option === undefined || state.option === null ? null : { option: state.option };
  }
  if (type === "word_bank") {
    const words = (state.tiles || []).map((index) => exercise.tiles[index]);
    return words.length ? { text: normalizeText(words.join(" ")) } : null;
  }
  if (type === "match_pairs") {
    const pairs = state.pairs || [];
    return pairs.length === (exercise.left || []).length && pairs.length ? { pairs } : null;
  }
  const text = normalizeText(state.text);
  return text ? { text } : null;
}

// A solution as text to show: match pairs come as [[left, right], ...].
export function solutionText(solution) {
  if (Array.isArray(solution)) return solution.map((pair) => (Array.isArray(pair) ? pair.join(" = ") : String(pair))).join(", ");
  return solution == null ? "" : String(solution);
}

// Match pairs: picking a left then a right makes a pair; picking a side already paired undoes
// that pair. Pure, so the player only redraws what this returns.
export function pairPick(state, side, value) {
  const pairs = (state.pairs || []).slice();
  const index = side === "left" ? 0 : 1;
  const existing = pairs.findIndex((pair) => pair[index] === value);
  if (existing >= 0) {
    pairs.splice(existing, 1);
    return { ...state, pairs, pending: null };
  }
  const pending = state.pending;
  if (pending && pending.side !== side) {
    const pair = side === "left" ? [value, pending.value] : [pending.value, value];
    return { ...state, pairs: [...pairs, pair], pending: null };
  }
  return { ...state, pairs, pending: { side, value } };
}

// A fresh client_id for each answer, so a retried request is answered once.
export function newClientId() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
