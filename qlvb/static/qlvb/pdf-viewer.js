// QLVB's PDF viewer: draws a PDF into canvases, page by page as they scroll into view, scaled to
// the width of the viewer, with the pdf.js vendored in static/vendor/pdfjs (no CDN).
// Markup: templates/files/_pdf_viewer.html. Every [data-pdf-viewer] on the page gets one viewer,
// including those htmx brings in later. The pdf.js URLs come from the template ({% static %}), so
// hashed static file names keep working.

const ZOOMS = [0.5, 0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];
const MAX_PIXEL_RATIO = 2; // sharper than that costs memory and no one sees it
const viewers = new Map(); // root element -> viewer
let pdfjs = null;

function loadPdfjs(src, workerSrc) {
  if (!pdfjs) {
    pdfjs = import(src).then((lib) => {
      lib.GlobalWorkerOptions.workerSrc = workerSrc;
      return lib;
    });
  }
  return pdfjs;
}

function fill(template, values) {
  return (template || "").replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

class Viewer {
  constructor(root) {
    this.root = root;
    this.data = root.dataset;
    this.box = root.querySelector("[data-pdf-pages]");
    this.status = root.querySelector("[data-pdf-status]");
    this.pageInfo = root.querySelector("[data-pdf-page-info]");
    this.zoomLabel = root.querySelector("[data-pdf-zoom-label]");
    this.zoom = 1; // 1 = the page as wide as the viewer
    this.pages = []; // {element, canvas, size: {width, height} at scale 1 or null, drawn: scale, task}
    this.visible = new Set();
    this.width = 0;
  }

  async start() {
    Object.assign(this.box.style, { maxHeight: this.data.height || "80vh", minHeight: "12rem", position: "relative" });
    try {
      const lib = await loadPdfjs(this.data.pdfjs, this.data.pdfjsWorker);
      this.lib = lib;
      this.loading = lib.getDocument({ url: this.data.url, isEvalSupported: false, enableXfa: false });
      this.pdf = await this.loading.promise;
      const first = await this.pdf.getPage(1);
      this.defaultSize = this.sizeOf(first);
    } catch (error) {
      console.error("PDF viewer:", error);
      this.status.textContent = this.data.labelError;
      this.status.classList.add("text-danger");
      return;
    }
    if (!this.root.isConnected) return this.destroy();
    this.status.textContent = "";
    this.status.hidden = true;
    this.build();
    this.root.querySelectorAll("[data-pdf-needs-js]").forEach((element) => { element.hidden = false; });
    this.root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-pdf-action]");
      if (button && this.root.contains(button)) this.act(button.dataset.pdfAction);
    });
    this.box.addEventListener("scroll", () => this.schedulePageInfo(), { passive: true });
    this.resizer = new ResizeObserver(() => {
      if (Math.abs(this.box.clientWidth - this.width) > 1) this.layout();
    });
    this.resizer.observe(this.box);
  }

  sizeOf(page) {
    const viewport = page.getViewport({ scale: 1 });
    return { width: viewport.width, height: viewport.height };
  }

  build() {
    const count = this.pdf.numPages;
    const fragment = document.createDocumentFragment();
    for (let number = 1; number <= count; number += 1) {
      const element = document.createElement("div");
      element.className = "pdf-viewer-page bg-white shadow-sm mx-auto my-2";
      element.dataset.page = String(number);
      element.setAttribute("role", "img");
      element.setAttribute("aria-label", fill(this.data.labelPageN, { page: number, count }));
      element.style.position = "relative";
      const canvas = document.createElement("canvas");
      canvas.width = 0; // nothing drawn yet (a canvas is 300 × 150 by default)
      canvas.height = 0;
      canvas.setAttribute("aria-hidden", "true");
      element.append(canvas);
      fragment.append(element);
      this.pages.push({ number, element, canvas, size: number === 1 ? this.defaultSize : null, drawn: 0, task: null });
    }
    this.box.append(fragment);
    this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), {
      root: this.box,
      rootMargin: "100% 0px", // draw a screenful ahead, free what is far away
    });
    this.pages.forEach((page) => this.observer.observe(page.element));
    this.layout();
  }

  scaleFor(size) {
    const style = getComputedStyle(this.box);
    const inner = this.box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
    return (Math.max(inner, 100) / size.width) * this.zoom;
  }

  layout() {
    const ratio = this.box.scrollHeight > 0 ? this.box.scrollTop / this.box.scrollHeight : 0;
    this.width = this.box.clientWidth;
    for (const page of this.pages) {
      const size = page.size || this.defaultSize;
      const scale = this.scaleFor(size);
      page.element.style.width = `${Math.floor(size.width * scale)}px`;
      page.element.style.height = `${Math.floor(size.height * scale)}px`;
    }
    this.box.scrollTop = ratio * this.box.scrollHeight;
    this.zoomLabel.textContent = `${Math.round(this.zoom * 100)}%`;
    this.visible.forEach((number) => this.draw(this.pages[number - 1]));
    this.updatePageInfo();
  }

  onIntersect(entries) {
    for (const entry of entries) {
      const page = this.pages[Number(entry.target.dataset.page) - 1];
      if (entry.isIntersecting) {
        this.visible.add(page.number);
        this.draw(page);
      } else {
        this.visible.delete(page.number);
        this.release(page);
      }
    }
  }

  async draw(page) {
    try {
      const pdfPage = await this.pdf.getPage(page.number);
      if (!page.size) {
        page.size = this.sizeOf(pdfPage);
        const scale = this.scaleFor(page.size);
        page.element.style.width = `${Math.floor(page.size.width * scale)}px`;
        page.element.style.height = `${Math.floor(page.size.height * scale)}px`;
      }
      const scale = this.scaleFor(page.size);
      if (page.drawn === scale || !this.visible.has(page.number)) return;
      if (page.task) page.task.cancel();
      const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
      const viewport = pdfPage.getViewport({ scale: scale * ratio });
      // Draw off screen, then swap, so zooming never flashes a blank page.
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      const task = pdfPage.render({ canvasContext: canvas.getContext("2d"), viewport });
      page.task = task;
      await task.promise;
      if (page.task !== task) return;
      page.task = null;
      page.drawn = scale;
      Object.assign(canvas.style, { display: "block", width: "100%", height: "100%" });
      canvas.setAttribute("aria-hidden", "true");
      page.canvas.replaceWith(canvas);
      page.canvas = canvas;
    } catch (error) {
      if (error && error.name === "RenderingCancelledException") return;
      console.error(`PDF viewer: page ${page.number}:`, error);
    }
  }

  release(page) {
    if (page.task) {
      page.task.cancel();
      page.task = null;
    }
    if (page.drawn) {
      page.canvas.width = 0; // gives the memory back at once
      page.canvas.height = 0;
      page.drawn = 0;
    }
  }

  act(action) {
    const index = ZOOMS.findIndex((zoom) => zoom >= this.zoom - 0.001);
    if (action === "zoom-in") this.zoom = ZOOMS[Math.min((ZOOMS[index] > this.zoom ? index : index + 1), ZOOMS.length - 1)];
    else if (action === "zoom-out") this.zoom = ZOOMS[Math.max(index - 1, 0)];
    else if (action === "fit") this.zoom = 1;
    this.layout();
  }

  schedulePageInfo() {
    if (this.infoPending) return;
    this.infoPending = true;
    requestAnimationFrame(() => {
      this.infoPending = false;
      this.updatePageInfo();
    });
  }

  updatePageInfo() {
    const count = this.pages.length;
    const line = this.box.scrollTop + this.box.clientHeight / 3;
    let current = 1;
    for (const page of this.pages) {
      if (page.element.offsetTop <= line) current = page.number; // offsets are within the box
      else break;
    }
    this.pageInfo.textContent = fill(this.data.labelPageInfo, { page: current, count });
  }

  destroy() {
    if (this.observer) this.observer.disconnect();
    if (this.resizer) this.resizer.disconnect();
    if (this.loading) this.loading.destroy();
    viewers.delete(this.root);
  }
}

function init(scope) {
  const roots = scope.matches && scope.matches("[data-pdf-viewer]") ? [scope] : [];
  roots.push(...(scope.querySelectorAll ? scope.querySelectorAll("[data-pdf-viewer]") : []));
  for (const root of roots) {
    if (viewers.has(root)) continue;
    const viewer = new Viewer(root);
    viewers.set(root, viewer);
    viewer.start();
  }
}

init(document);
document.addEventListener("htmx:load", (event) => init(event.detail.elt));
document.addEventListener("htmx:beforeCleanupElement", (event) => {
  const viewer = viewers.get(event.detail.elt);
  if (viewer) viewer.destroy();
});
