// Installed before the app's own scripts in every document (DevTools
// Page.addScriptToEvaluateOnNewDocument), so nothing the page does can happen before it
// watches. A function expression: the benchmark calls it with its expectations.
// Times are performance.now(): milliseconds since this document's navigation
// started, measured in the page, so WebDriver's polling adds nothing to them.
(config) => {
  const CARD = "[role=group][aria-label^='Shot ']";
  const KEYFRAME = "img.keyframe-image";
  const state = {
    first_screen_ms: null,
    dom_ms: null,
    interactive_ms: null,
    // Keyframes are read only for cards near the screen: the ones that count are those
    // on screen in the first frame that shows the storyboard.
    media_ms: config.keyframes ? null : 0,
    settled_ms: null,
    longest_task_ms: 0,
  };
  let onScreen = null;
  let settle;
  const settled = new Promise((resolve) => (settle = resolve));

  // Tasks of 50 ms or more (the Long Tasks API reports no shorter ones) until the page
  // has settled: interactive and the keyframes on screen shown.
  let tasks = null;
  const countTasks = (entries) => {
    for (const entry of entries) {
      if (state.settled_ms === null || entry.startTime < state.settled_ms) {
        state.longest_task_ms = Math.max(state.longest_task_ms, entry.duration);
      }
    }
  };
  if (PerformanceObserver.supportedEntryTypes.includes("longtask")) {
    tasks = new PerformanceObserver((list) => countTasks(list.getEntries()));
    tasks.observe({ type: "longtask" });
  }

  const editablePrompt = () => {
    const prompt = document.querySelector(`${CARD} textarea`);
    return prompt !== null && !prompt.disabled && !prompt.readOnly;
  };
  const finish = () => {
    const measured = [state.first_screen_ms, state.interactive_ms, state.media_ms];
    if (state.settled_ms === null && measured.every((ms) => ms !== null)) {
      state.settled_ms = performance.now();
      observer.disconnect();
      settle();
    }
  };
  const keyframesShown = () => {
    if (state.media_ms === null && onScreen !== null && onScreen.every((card) => card.querySelector(KEYFRAME))) {
      state.media_ms = performance.now();
      finish();
    }
  };
  // The first cards are built before the rest (a screenful, then a batch per frame):
  // the first moment a person can type, once the frame showing them is produced.
  const nextTask = (record) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => record(performance.now());
      channel.port2.postMessage(null);
    });
  };
  let firstSeen = false;
  const check = () => {
    if (!firstSeen && editablePrompt()) {
      firstSeen = true;
      nextTask((ms) => {
        state.first_screen_ms = ms;
        finish();
      });
    }
    if (state.dom_ms === null && document.querySelectorAll(CARD).length >= config.shots && editablePrompt()) {
      state.dom_ms = performance.now();
      // Interactive once the frame showing the cards has been produced and the main
      // thread is free to run the next task (where a keystroke would be handled).
      requestAnimationFrame(() => {
        // Layout is due for this frame anyway, so reading it here costs the page little.
        onScreen = [...document.querySelectorAll(CARD)].filter((card) => {
          const box = card.getBoundingClientRect();
          return box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
        });
        keyframesShown();
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          state.interactive_ms = performance.now();
          finish();
        };
        channel.port2.postMessage(null);
      });
    }
    keyframesShown();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-label"],
  });

  window.__shotlineBench = {
    settled,
    snapshot: () => {
      if (tasks !== null) countTasks(tasks.takeRecords());
      return {
        ...state,
        cards: document.querySelectorAll(CARD).length,
        keyframes: document.querySelectorAll(KEYFRAME).length,
        on_screen: onScreen?.length ?? 0,
        on_screen_keyframes: onScreen?.filter((card) => card.querySelector(KEYFRAME)).length ?? 0,
      };
    },
  };
}
