// The order a lesson asks its exercises in. Every exercise once, in the session's order; each
// one answered wrong comes back after the others until it is answered right, since the server
// completes a session only when every exercise has a right answer (session_incomplete).
// Resuming from GET sessions/{id}/: exercises not answered yet first, then those answered wrong.

export function createQueue(exercises, { retry = true } = {}) {
  const fresh = exercises.filter((e) => !e.answered);
  const owed = exercises.filter((e) => e.answered && !e.correct).map((e) => ({ ...e, _retry: true }));
  const pending = [...fresh, ...owed];
  const total = exercises.length;
  const done = new Set(exercises.filter((e) => e.answered && e.correct).map((e) => e.id));
  let mistakes = owed.length;
  return {
    get current() {
      return pending[0] || null;
    },
    get finished() {
      return pending.length === 0;
    },
    get total() {
      return total;
    },
    get doneCount() {
      return done.size;
    },
    get mistakes() {
      return mistakes;
    },
    // A retry of a mistake, for the "Let's fix your mistakes" note.
    get isRetry() {
      const current = pending[0];
      return Boolean(current && current._retry);
    },
    record(correct) {
      const current = pending.shift();
      if (!current) return;
      if (correct) {
        done.add(current.id);
      } else {
        mistakes += 1;
        if (retry) pending.push({ ...current, _retry: true });
      }
    },
    remaining() {
      return pending.map((e) => e.id);
    },
  };
}
