// Installed before the app's own scripts in every document (DevTools
// Page.addScriptToEvaluateOnNewDocument). A function expression: the benchmark calls it
// with the CSS of the shot card it generates.
//
// It timestamps (performance.now()) two moments of each run the benchmark arms:
// - each `executing` message with node null (the server says the prompt finished) as it
//   reaches the page: every socket the page opens is wrapped, its listener added before
//   the app's own handler, so it sees each message first;
// - the card's status line starting with "Done" (after it said something else since the
//   run was armed) with the take's image or video loaded.
(config) => {
  const STATUS = `${config.card} .job-state[role=status]`;
  const MEDIA = `${config.card} .take-media img, ${config.card} .take-media video`;
  const completions = [];

  const PageSocket = window.WebSocket;
  window.WebSocket = class extends PageSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") return;
        let message;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (message?.type === "executing" && message.data?.node === null) {
          completions.push({ prompt_id: message.data.prompt_id, at_ms: performance.now() });
        }
      });
    }
  };

  let run = null;
  const loaded = (media) =>
    media instanceof HTMLImageElement ? media.complete && media.naturalWidth > 0 : media.readyState >= 2;
  const check = () => {
    if (run === null || run.done_ms !== null) return;
    const status = document.querySelector(STATUS)?.textContent ?? "";
    if (!status.startsWith("Done")) {
      run.left_done = true;
      return;
    }
    if (!run.left_done) return;
    const media = document.querySelector(MEDIA);
    if (media === null) return;
    if (!loaded(media)) {
      media.addEventListener(media instanceof HTMLImageElement ? "load" : "loadeddata", check, { once: true });
      return;
    }
    run.done_ms = performance.now();
    run.done_epoch_ms = Date.now();
    run.finish();
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["src"],
  });

  window.__shotlineCompletion = {
    // Called just before the benchmark presses Generate.
    arm: () => {
      let finish;
      const finished = new Promise((resolve) => (finish = resolve));
      run = { left_done: false, done_ms: null, done_epoch_ms: null, finish, finished, seen: completions.length };
      check();
    },
    finished: () => run.finished,
    result: () => ({
      done_ms: run.done_ms,
      done_epoch_ms: run.done_epoch_ms,
      completions: completions.slice(run.seen),
    }),
  };
}
