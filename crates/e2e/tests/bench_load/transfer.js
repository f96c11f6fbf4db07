// Waits (execute_async) until the page has fetched nothing new for arguments[0] ms, at
// most arguments[1] ms, then adds up what its responses weighed (Resource Timing: the
// document and every resource). encodedBodySize is the body as sent, compressed;
// decodedBodySize the same bodies unpacked, which shows the compression happened.
const [quietMs, capMs, done] = arguments;
const entries = () => [
  ...performance.getEntriesByType("navigation"),
  ...performance.getEntriesByType("resource"),
];
const started = performance.now();
let count = entries().length;
let changed = started;
const timer = setInterval(() => {
  const now = performance.now();
  const seen = entries().length;
  if (seen !== count) {
    count = seen;
    changed = now;
  }
  if (now - changed < quietMs && now - started < capMs) return;
  clearInterval(timer);
  const all = entries();
  const sum = (field) => all.reduce((total, entry) => total + entry[field], 0);
  done({
    responses: all.length,
    encoded_bytes: sum("encodedBodySize"),
    decoded_bytes: sum("decodedBodySize"),
    quiet: now - changed >= quietMs,
  });
}, 100);
