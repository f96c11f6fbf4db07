// Waits (execute_async) until the armed run is Done with its media, or arguments[0] ms,
// then reads when the server finished it: the newest `execution_success` timestamp (ms
// since the epoch, the machine's clock the page's Date.now() reads too) in the history
// of the server at arguments[1]. Answers what it saw, or {error}.
const [timeoutMs, serverUrl, done] = arguments;
const watch = window.__shotlineCompletion;
const serverFinishedMs = async () => {
  const history = await (await fetch(`${serverUrl}/history`)).json();
  const finished = Object.values(history).flatMap((entry) =>
    (entry?.status?.messages ?? [])
      .filter(([kind]) => kind === "execution_success")
      .map(([, data]) => data?.timestamp),
  );
  return finished.length === 0 ? null : Math.max(...finished);
};
if (watch === undefined) {
  done({ error: "the watching script did not run in this page" });
} else {
  const timer = setTimeout(() => done({ error: "not Done in time", ...watch.result() }), timeoutMs);
  watch
    .finished()
    .then(async () => ({ ...watch.result(), server_finished_ms: await serverFinishedMs() }))
    .then(
      (seen) => {
        clearTimeout(timer);
        done(seen);
      },
      (error) => {
        clearTimeout(timer);
        done({ error: String(error) });
      },
    );
}
