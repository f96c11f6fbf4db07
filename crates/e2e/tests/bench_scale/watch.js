// Installed before the app's own scripts in every document (DevTools
// Page.addScriptToEvaluateOnNewDocument). Between start() and stop() it counts what the
// page lives through: socket messages received (every WebSocket the app opens is made
// from the wrapped constructor), the time between animation frames, and main-thread
// tasks of 50 ms or more (the Long Tasks API reports no shorter ones). Times are
// performance.now() in the page, so WebDriver's polling adds nothing to them.
(() => {
  const window_ = {
    recording: false,
    started_ms: 0,
    messages: 0,
    // Messages per whole second since start(), for the busiest second.
    per_second: [],
    frames: [],
    longest_task_ms: 0,
    longest_task_at_ms: null,
  };

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class CountedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => {
        if (window_.recording) {
          window_.messages += 1;
          const second = Math.floor((performance.now() - window_.started_ms) / 1000);
          window_.per_second[second] = (window_.per_second[second] ?? 0) + 1;
        }
      });
    }
  };

  let lastFrame = null;
  const frame = (now) => {
    if (window_.recording && lastFrame !== null) window_.frames.push(now - lastFrame);
    lastFrame = window_.recording ? now : null;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  const countTasks = (entries) => {
    for (const entry of entries) {
      if (window_.recording && entry.startTime >= window_.started_ms && entry.duration > window_.longest_task_ms) {
        window_.longest_task_ms = entry.duration;
        window_.longest_task_at_ms = entry.startTime - window_.started_ms;
      }
    }
  };
  const tasks = new PerformanceObserver((list) => countTasks(list.getEntries()));
  tasks.observe({ type: "longtask" });

  // Nearest-rank percentile of sorted values.
  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;

  window.__shotlineLoad = {
    start() {
      Object.assign(window_, {
        recording: true,
        started_ms: performance.now(),
        messages: 0,
        per_second: [],
        frames: [],
        longest_task_ms: 0,
        longest_task_at_ms: null,
      });
      lastFrame = null;
    },
    stop() {
      countTasks(tasks.takeRecords());
      window_.recording = false;
      const sorted = [...window_.frames].sort((a, b) => a - b);
      return {
        duration_ms: performance.now() - window_.started_ms,
        messages: window_.messages,
        peak_messages_per_s: Math.max(0, ...Array.from(window_.per_second, (count) => count ?? 0)),
        frames: sorted.length,
        frame_p50_ms: percentile(sorted, 50),
        frame_p95_ms: percentile(sorted, 95),
        frame_max_ms: sorted.at(-1) ?? null,
        longest_task_ms: window_.longest_task_ms,
        longest_task_at_ms: window_.longest_task_at_ms,
      };
    },
  };
})();
