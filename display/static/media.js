// The media loop: the images and videos of the display's media folder, one after
// the other, for ever. Two reused elements (one <img>, one <video>), one timer.
// Videos play muted so they never cover an announcement. Exposes `DisplayMedia`.
(function () {
  "use strict";

  const IMAGE_SECONDS = 10;
  const SKIP_SECONDS = 3;
  const VIDEO_LIMIT_SECONDS = 600; // a video that never ends (broken file) is skipped after this

  class MediaLoop {
    constructor(section, image, video, onChange) {
      this.section = section;
      this.image = image;
      this.video = video;
      this.onChange = onChange; // called with true/false when the area appears/disappears
      this.items = [];
      this.index = -1;
      this.timer = null;
      this.key = "";
      this.video.addEventListener("ended", () => this.next());
      this.video.addEventListener("error", () => this.skip());
      this.image.addEventListener("error", () => this.skip());
    }

    // A new list (after every reconnect); the loop only restarts when it changed.
    setItems(items) {
      const list = Array.isArray(items) ? items.filter((item) => item && item.url) : [];
      const key = list.map((item) => item.url).join("\n");
      if (key === this.key) return;
      this.key = key;
      this.items = list;
      this.index = -1;
      this.section.hidden = list.length === 0;
      this.onChange(list.length > 0);
      if (list.length) this.next();
      else this.stop();
    }

    stop() {
      clearTimeout(this.timer);
      this.timer = null;
      this.video.pause();
      this.video.removeAttribute("src");
      this.video.load(); // releases the decoder
      this.video.hidden = true;
      this.image.hidden = true;
    }

    // A file that will not show: move on after a pause (never a tight loop on one bad file).
    skip() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.next(), SKIP_SECONDS * 1000);
    }

    next() {
      clearTimeout(this.timer);
      this.timer = null;
      if (!this.items.length) return;
      this.index = (this.index + 1) % this.items.length;
      const item = this.items[this.index];
      if (item.kind === "video") this.showVideo(item);
      else this.showImage(item);
    }

    showImage(item) {
      this.video.pause();
      this.video.hidden = true;
      if (this.image.getAttribute("src") !== item.url) this.image.src = item.url;
      this.image.hidden = false;
      if (this.items.length > 1) this.timer = setTimeout(() => this.next(), IMAGE_SECONDS * 1000);
    }

    showVideo(item) {
      this.image.hidden = true;
      this.video.loop = this.items.length === 1;
      if (this.video.getAttribute("src") !== item.url) this.video.src = item.url;
      else this.video.currentTime = 0;
      this.video.hidden = false;
      const started = this.video.play();
      // AbortError only means we moved on before it started.
      if (started) started.catch((err) => err.name !== "AbortError" && this.skip());
      if (this.items.length > 1) this.timer = setTimeout(() => this.next(), VIDEO_LIMIT_SECONDS * 1000);
    }
  }

  window.DisplayMedia = { MediaLoop };
})();
