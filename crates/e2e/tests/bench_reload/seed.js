// Seeds the app's IndexedDB database in the app's own record format (src/storage/:
// schema.rs, project_parts.rs, media.rs), run with execute_async in the app's origin.
// arguments: step name, its argument object, WebDriver's callback. Answers {ok} or {error}.
//
// The shots are clones of the shot record the app wrote on its first visit, so fields
// the app adds later come along; only `id`, `prompt` and `keyframe` are set here. A
// format change this misses shows as a reload without the 200 shots or their
// keyframes, which the benchmark refuses to measure.
const [step, args, done] = arguments;

const request = (req) =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
const complete = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("the transaction was aborted"));
  });

// Grows the one project of a first visit (one scene, one shot) to `args.shots` shots.
async function project(db) {
  const tx = db.transaction(["projects"], "readwrite");
  const projects = tx.objectStore("projects");
  const headers = await request(projects.index("by_part").getAll("header"));
  if (headers.length !== 1) {
    throw new Error(`expected the first visit's one project, found ${headers.length} headers`);
  }
  const header = headers[0];
  const projectId = header.project_id;
  const sceneIds = header.body.scene_order;
  if (sceneIds?.length !== 1) {
    throw new Error(`expected one scene, the header lists ${JSON.stringify(sceneIds)}`);
  }
  const scene = await request(projects.get([projectId, "scene", sceneIds[0]]));
  const shotIds = scene?.body?.shot_order;
  if (shotIds?.length !== 1) {
    throw new Error(`expected one shot, the scene lists ${JSON.stringify(shotIds)}`);
  }
  const template = await request(projects.get([projectId, "shot", shotIds[0]]));
  if (template?.body?.id !== shotIds[0]) {
    throw new Error(`the first shot's record is missing or unexpected: ${JSON.stringify(template)}`);
  }
  const ids = [];
  for (let n = 1; n <= args.shots; n++) {
    const id = n === 1 ? template.id : crypto.randomUUID();
    const record = structuredClone(template);
    record.id = id;
    record.body.id = id;
    record.body.prompt = `${args.prompt} (shot ${n})`;
    projects.put(record);
    ids.push(id);
  }
  scene.body.shot_order = ids;
  projects.put(scene);
  // A save from the page that is still open would expect the old revision, so it is
  // refused as another tab's instead of writing its one-shot scene over these.
  header.body.revision += 1;
  projects.put(header);
  await complete(tx);
  return { project_id: projectId, shot_ids: ids };
}

// Stores one video of `args.bytes` bytes of noise per shot in `args.shot_ids` and makes
// it that shot's keyframe, as the app's put_media + SetKeyframe would.
async function videos(db) {
  const mime = "video/mp4";
  // getRandomValues fills at most 64 KiB per call.
  const RANDOM_CHUNK_BYTES = 65536;
  for (const shotId of args.shot_ids) {
    // Video does not compress, so neither may its stand-in.
    const bytes = new Uint8Array(args.bytes);
    for (let at = 0; at < bytes.length; at += RANDOM_CHUNK_BYTES) {
      crypto.getRandomValues(bytes.subarray(at, at + RANDOM_CHUNK_BYTES));
    }
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    const dataUrl = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(new Blob([bytes], { type: mime }));
    });
    const tx = db.transaction(["media", "projects"], "readwrite");
    tx.objectStore("media").put({
      id: sha256,
      mime,
      data_url: dataUrl,
      bytes: bytes.length,
      sha256,
      created_ms: Date.now(),
      project_ids: [args.project_id],
    });
    const projects = tx.objectStore("projects");
    const shot = await request(projects.get([args.project_id, "shot", shotId]));
    if (shot === undefined) throw new Error(`shot ${shotId} is not stored`);
    shot.body.keyframe = sha256;
    projects.put(shot);
    await complete(tx);
  }
  return { stored: args.shot_ids.length };
}

(async () => {
  // No version: open whatever the app created, never upgrade it.
  const db = await request(indexedDB.open("shotline"));
  try {
    if (step === "project") return await project(db);
    if (step === "videos") return await videos(db);
    throw new Error(`unknown step ${step}`);
  } finally {
    db.close();
  }
})().then(
  (ok) => done({ ok }),
  (error) => done({ error: String(error?.stack ?? error) }),
);
