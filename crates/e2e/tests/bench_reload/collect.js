// Waits (execute_async) until the page measured by measure.js has settled, or until
// arguments[0] ms have passed, and returns what it saw: the caller checks it.
const [timeoutMs, done] = [arguments[0], arguments[arguments.length - 1]];
const bench = window.__shotlineBench;
if (bench === undefined) {
  done({ error: "the measuring script did not run in this page" });
} else {
  const timer = setTimeout(() => done(bench.snapshot()), timeoutMs);
  bench.settled.then(() => {
    clearTimeout(timer);
    done(bench.snapshot());
  });
}
