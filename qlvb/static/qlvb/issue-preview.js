// The issue preview: a click on a page of the preview chooses where the number and date go (page,
// and fractions of the page's width and height, so no one types coordinates), then the preview is
// made again; issuing shows that it is working, since numbering and signing take a few seconds.
(() => {
  const picker = document.querySelector("[data-spot-picker]");
  const options = document.getElementById("issue-options");
  const set = (name, value) => { options.querySelector(`[name="${name}"]`).value = value; };

  function mark(pageElement, fx, fy) {
    let marker = pageElement.querySelector(".issue-spot");
    if (!marker) {
      marker = document.createElement("div");
      marker.className = "issue-spot position-absolute border border-2 border-danger rounded-1";
      Object.assign(marker.style, { width: "34%", height: "5%", pointerEvents: "none" });
      pageElement.append(marker);
    }
    Object.assign(marker.style, { left: `${fx * 100}%`, top: `${fy * 100}%` });
  }

  function busy(button) {
    button.disabled = true;
    button.textContent = button.dataset.busyLabel;
  }

  if (picker) {
    picker.addEventListener("click", (event) => {
      const pageElement = event.target.closest(".pdf-viewer-page");
      if (!pageElement) return;
      const rect = pageElement.getBoundingClientRect();
      const fx = Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1);
      const fy = Math.min(Math.max((event.clientY - rect.top) / rect.height, 0), 1);
      set("page", pageElement.dataset.page);
      set("fx", fx.toFixed(4));
      set("fy", fy.toFixed(4));
      mark(pageElement, fx, fy);
      busy(document.getElementById("refresh-preview"));
      options.submit();
    });
    // Show the chosen place again once the page is drawn.
    const { page, fx, fy } = picker.dataset;
    if (page && fx && fy) {
      const observer = new MutationObserver(() => {
        const element = picker.querySelector(`.pdf-viewer-page[data-page="${page}"]`);
        if (element) { mark(element, Number(fx), Number(fy)); observer.disconnect(); }
      });
      observer.observe(picker, { childList: true, subtree: true });
    }
  }
  options.addEventListener("submit", () => busy(document.getElementById("refresh-preview")));
  document.getElementById("issue-form").addEventListener("submit", () => {
    busy(document.getElementById("issue-button"));
    document.getElementById("issue-progress").hidden = false;
  });
})();
