// Installed before ComfyUI's frontend's own scripts (DevTools
// Page.addScriptToEvaluateOnNewDocument). Served without its backend, that frontend never
// becomes usable: its /api calls get 404 and it never builds its graph canvas. What it
// does reach is its load event and its Vue app mounted on #vue-app, so this times that:
// a lower bound of its time to interactive. Offers the interface
// bench_reload/collect.js reads (`settled`, `snapshot()`), times in performance.now().
() => {
  const state = { loaded_ms: null, mounted_ms: null, interactive_ms: null };
  let settle;
  const settled = new Promise((resolve) => (settle = resolve));
  const mounted = () => document.getElementById("vue-app")?.hasAttribute("data-v-app") === true;
  const check = () => {
    if (state.mounted_ms === null && mounted()) state.mounted_ms = performance.now();
    if (state.loaded_ms === null || state.mounted_ms === null) return;
    observer.disconnect();
    // As for Shotline: the frame showing it produced, the main thread free for a next task.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        state.interactive_ms = performance.now();
        settle();
      };
      channel.port2.postMessage(null);
    });
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-v-app"] });
  addEventListener("load", () => {
    state.loaded_ms = performance.now();
    check();
  });
  window.__shotlineBench = { settled, snapshot: () => ({ ...state, mounted: mounted() }) };
}
