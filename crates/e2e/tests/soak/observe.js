// Installed before the app's own scripts in every document (DevTools
// Page.addScriptToEvaluateOnNewDocument). Watches every shot card's job state line
// (`.job-state[role=status]`) and keeps, per card, when its text first showed a job,
// when it last changed, the longest wait between two changes before a final state, the
// server it names and the sequence of state words it went through. Times are Date.now()
// (epoch ms) so the soak test can line them up with the faults it injected.
//
// Only real changes of the text count: a re-render writing the same words is no news
// to the person looking. A progress % or queue position change is a change.
//
// A reload starts these records afresh (the soak reloads on purpose): each document has
// its own `page` id, and the test keeps the records of earlier documents itself.
(() => {
  const page = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const CARD = "[role=group][aria-label^='Shot ']";
  const STATUS = ".job-state[role=status]";
  const FINAL = /^(Done|Failed|Cancelled|Lost)\b/;
  const HOST = /127\.0\.0\.1:\d+/;
  const cards = new Map();

  const word = (text) => text.split(/[\s—]/, 1)[0];
  const record = (status) => {
    const card = status.closest(CARD);
    if (card === null) return;
    const label = card.getAttribute("aria-label");
    const text = status.textContent.trim();
    // A shot without a job ("Draft"): Generate all has not reached it yet.
    if (text === "Draft" || text === "") return;
    const now = Date.now();
    let seen = cards.get(label);
    if (seen === undefined) {
      seen = { first_ms: now, last_ms: now, gap_ms: 0, gap_from: "", gap_to: "", text, changes: 0, final_ms: null, host: null, words: [word(text)] };
      cards.set(label, seen);
    } else if (seen.text === text) {
      return;
    } else {
      if (seen.final_ms === null && now - seen.last_ms > seen.gap_ms) {
        seen.gap_ms = now - seen.last_ms;
        seen.gap_from = seen.text;
        seen.gap_to = text;
      }
      seen.last_ms = now;
      seen.text = text;
      seen.changes += 1;
      if (seen.words[seen.words.length - 1] !== word(text) && seen.words.length < 40) seen.words.push(word(text));
    }
    const host = text.match(HOST);
    if (host !== null) seen.host = host[0];
    if (FINAL.test(text)) {
      seen.final_ms ??= now;
    } else if (seen.final_ms !== null) {
      // A final state that turns back into a live one: kept, the report shows it.
      seen.reopened = (seen.reopened ?? 0) + 1;
      seen.final_ms = null;
    }
  };

  const statusOf = (node) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element?.closest(STATUS) ?? null;
  };
  const observer = new MutationObserver((mutations) => {
    const touched = new Set();
    for (const mutation of mutations) {
      const status = statusOf(mutation.target);
      if (status !== null) touched.add(status);
      for (const added of mutation.addedNodes) {
        if (added.nodeType !== Node.ELEMENT_NODE) continue;
        if (added.matches(STATUS)) touched.add(added);
        for (const inner of added.querySelectorAll(STATUS)) touched.add(inner);
      }
    }
    for (const status of touched) record(status);
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });

  // Main-thread tasks of 50 ms or more (the Long Tasks API reports no shorter ones): how
  // busy the page is as the project fills with takes.
  const tasks = { count: 0, total_ms: 0, longest_ms: 0 };
  if (PerformanceObserver.supportedEntryTypes.includes("longtask")) {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        tasks.count += 1;
        tasks.total_ms += entry.duration;
        tasks.longest_ms = Math.max(tasks.longest_ms, entry.duration);
      }
    }).observe({ type: "longtask" });
  }

  const QUEUE = "[role=region][aria-label='Render queue']";
  // The render queue runs while it lists entries (it offers Stop); it is done when it
  // shows its summary.
  const generateAllRunning = () =>
    [...document.querySelectorAll(`${QUEUE} button`)].some((b) => b.textContent.trim() === "Stop");

  window.__shotlineSoak = {
    // Counts for the test's progress line, cheap enough to ask every few seconds.
    summary: () => {
      const states = {};
      let finished = 0;
      for (const seen of cards.values()) {
        const key = word(seen.text);
        states[key] = (states[key] ?? 0) + 1;
        if (seen.final_ms !== null) finished += 1;
      }
      return {
        cards: document.querySelectorAll(CARD).length,
        with_job: cards.size,
        finished,
        states,
        generate_all_running: generateAllRunning(),
        tally:
          document.querySelector(`${QUEUE} .queue-summary p`)?.textContent ??
          document.querySelector(`${QUEUE} .queue-tally`)?.textContent ??
          "",
        long_tasks: { ...tasks, total_ms: Math.round(tasks.total_ms), longest_ms: Math.round(tasks.longest_ms) },
      };
    },
    // The cards that show no job now, with what they show.
    without_job: () =>
      [...document.querySelectorAll(CARD)]
        .filter((card) => !cards.has(card.getAttribute("aria-label")))
        .map((card) => ({ label: card.getAttribute("aria-label"), text: card.querySelector(STATUS)?.textContent.trim() ?? "" })),
    // The records that changed at or after `since_ms` in document `since_page` (every
    // record when this is another document), for the test to keep across reloads.
    cards: (since_page, since_ms) => {
      const now = Date.now();
      const since = since_page === page ? since_ms : 0;
      const changed = [...cards.entries()]
        .filter(([, seen]) => seen.last_ms >= since)
        .map(([label, seen]) => ({ label, now_ms: now, ...seen }));
      return { page, now_ms: now, cards: changed };
    },
  };
})();
