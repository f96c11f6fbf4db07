// The JavaScript half of tests/bench_media.rs: putting the video on the simulator, the
// plain-JS baseline the app's own path is compared with, and the Long Tasks API.

const RANDOM_CHUNK_BYTES = 65536; // getRandomValues fills at most 64 KiB per call

// Uploads `bytes` bytes of noise (video does not compress, so neither may its stand-in)
// as `name` into the simulator's input folder; answers the name it was stored under.
export async function upload_noise(server, name, bytes) {
  const noise = new Uint8Array(bytes);
  for (let at = 0; at < noise.length; at += RANDOM_CHUNK_BYTES) {
    crypto.getRandomValues(noise.subarray(at, at + RANDOM_CHUNK_BYTES));
  }
  const form = new FormData();
  form.append("image", new Blob([noise], { type: "video/mp4" }), name);
  form.append("type", "input");
  form.append("overwrite", "true");
  const response = await fetch(`${server}/upload/image`, { method: "POST", body: form });
  if (!response.ok) throw new Error(`POST /upload/image answered ${response.status}`);
  return (await response.json()).name;
}

const request = (req) =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

// A database with one `media` store, opened before the timing starts, as the app's is.
export async function open_plain_db(name) {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore("media", { keyPath: "id" });
  return request(open);
}

// What a plain web page would do: fetch → blob → FileReader.readAsDataURL → put. Answers
// the size of the bytes fetched.
export async function store_like_plain_js(db, url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const blob = await response.blob();
  const dataUrl = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  const tx = db.transaction("media", "readwrite");
  tx.objectStore("media").put({ id: url, mime: blob.type, data_url: dataUrl, bytes: blob.size });
  await new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("the transaction was aborted"));
  });
  return blob.size;
}

// Starts noting main-thread tasks of 50 ms or more (the API reports no shorter ones).
export function watch_long_tasks() {
  const watch = { longest: 0, observer: null };
  if (PerformanceObserver.supportedEntryTypes.includes("longtask")) {
    const note = (entries) => {
      for (const entry of entries) watch.longest = Math.max(watch.longest, entry.duration);
    };
    watch.observer = new PerformanceObserver((list) => note(list.getEntries()));
    watch.observer.observe({ type: "longtask" });
    watch.note = note;
  }
  return watch;
}

// The longest task seen since `watch` started (0: none of 50 ms or more); -1 when the
// browser has no Long Tasks API. Entries arrive after their task, hence the pause.
export async function longest_task_ms(watch) {
  if (watch.observer === null) return -1;
  await new Promise((resolve) => setTimeout(resolve, 50));
  watch.note(watch.observer.takeRecords());
  watch.observer.disconnect();
  return watch.longest;
}
