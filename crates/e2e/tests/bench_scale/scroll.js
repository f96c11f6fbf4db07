// Scrolls the page (execute_async) from arguments[0] to arguments[1], fractions of its
// scrollable height, by arguments[2] px per animation frame, as a steady fling would;
// answers what watch.js recorded meanwhile, with the distance and the page's height.
// Each step is taken in an animation frame, so a slow frame slows the scroll too: the
// frame times say how smooth it was, the duration how long it took.
const [from, to, pxPerFrame, done] = arguments;
const watch = window.__shotlineLoad;
if (watch === undefined) {
  done({ error: "watch.js did not run in this page" });
} else {
  const page = document.scrollingElement;
  const scrollable = page.scrollHeight - innerHeight;
  const [start, end] = [Math.round(from * scrollable), Math.round(to * scrollable)];
  page.scrollTop = start;
  // One frame to lay out and paint the start before anything is measured.
  requestAnimationFrame(() => {
    watch.start();
    let previous = null;
    const step = () => {
      // A page that stopped growing before `end` ends the scroll where it is.
      if (page.scrollTop >= end || page.scrollTop === previous) {
        // The last step's frame is produced before the measure ends.
        requestAnimationFrame(() => done({ ...watch.stop(), scrolled_px: page.scrollTop - start, scroll_height_px: page.scrollHeight }));
        return;
      }
      previous = page.scrollTop;
      page.scrollTop = Math.min(end, page.scrollTop + pxPerFrame);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}
