// Clicks "Generate all" and waits (execute_async) until every one of arguments[0] shot
// cards has shown a new job go from pending to finished, or until arguments[1] ms have
// passed. Answers what watch.js recorded over the run, with `run_ms`: the click → the
// moment the last card showed "Done" (or another end).
//
// Cards keep showing their previous run's "Done" until the new job reaches them, so a
// card counts only once it has shown a pending state after the click. A
// MutationObserver sees each status change in the task that made it; it looks only at
// the changed nodes, never the whole storyboard, so it adds little to what it measures.
const [shots, timeoutMs, done] = arguments;
const CARD = "[role=group][aria-label^='Shot ']";
const STATUS = ".job-state[role=status]";
const FINISHED = /^(Done|Failed|Cancelled|Lost)/;
const watch = window.__shotlineLoad;
const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Generate all");
if (watch === undefined || button === undefined) {
  done({ error: watch === undefined ? "watch.js did not run in this page" : "no Generate all button" });
} else {
  const cards = new Map();
  let clicked = 0;
  let lastEnd = 0;
  const finish = (error) => {
    observer.disconnect();
    clearTimeout(timer);
    const ends = [...cards.values()].filter((card) => card.end !== null);
    done({
      ...watch.stop(),
      error,
      run_ms: lastEnd - clicked,
      done: ends.filter((card) => card.end.startsWith("Done")).length,
      finished: ends.length,
    });
  };
  const see = (status) => {
    const label = status.closest(CARD)?.getAttribute("aria-label");
    if (label === undefined || label === null) return;
    const card = cards.get(label) ?? { pending: false, end: null };
    cards.set(label, card);
    const text = status.textContent;
    if (!FINISHED.test(text)) {
      card.pending = true;
    } else if (card.pending && card.end === null) {
      card.end = text;
      lastEnd = performance.now();
    }
  };
  const statusesIn = (node) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    if (element === null) return [];
    const own = element.closest(STATUS);
    return own !== null ? [own] : [...element.querySelectorAll(STATUS)];
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      statusesIn(record.target).forEach(see);
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) statusesIn(node).forEach(see);
      }
    }
    const finished = [...cards.values()].filter((card) => card.end !== null).length;
    if (finished >= shots) finish(null);
  });
  const timer = setTimeout(() => finish(`not every shot finished within ${timeoutMs} ms`), timeoutMs);
  watch.start();
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  clicked = performance.now();
  button.click();
}
