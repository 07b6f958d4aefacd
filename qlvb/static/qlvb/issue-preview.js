// The issue preview: a click on a page of the preview chooses where the number and date go, or
// where the signer's signature goes (the seal follows it), by page and fractions of the page's width
// and height, so no one types coordinates; then the preview is made again. Issuing shows that it is
// working, since numbering and signing take a few seconds.
(() => {
  const picker = document.querySelector("[data-spot-picker]");
  const options = document.getElementById("issue-options");
  const set = (name, value) => { options.querySelector(`[name="${name}"]`).value = value; };
  const KINDS = {
    marks: { prefix: "", className: "border-danger", size: ["34%", "5%"], centred: false },
    signature: { prefix: "sig_", className: "border-primary", size: ["37%", "14%"], centred: true },
  };

  function mark(pageElement, kind, fx, fy) {
    const { className, size, centred } = KINDS[kind];
    let marker = pageElement.querySelector(`.issue-spot-${kind}`);
    if (!marker) {
      marker = document.createElement("div");
      marker.className = `issue-spot-${kind} position-absolute border border-2 rounded-1 ${className}`;
      Object.assign(marker.style, { width: size[0], height: size[1], pointerEvents: "none" });
      pageElement.append(marker);
    }
    const shift = centred ? `translate(-50%, -50%)` : "";
    Object.assign(marker.style, { left: `${fx * 100}%`, top: `${fy * 100}%`, transform: shift });
  }

  function busy(button) {
    button.disabled = true;
    button.textContent = button.dataset.busyLabel;
  }

  if (picker) {
    picker.addEventListener("click", (event) => {
      const pageElement = event.target.closest(".pdf-viewer-page");
      if (!pageElement) return;
      const kind = (document.querySelector("input[name=placing]:checked") || {}).value || "marks";
      const rect = pageElement.getBoundingClientRect();
      const fx = Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1);
      const fy = Math.min(Math.max((event.clientY - rect.top) / rect.height, 0), 1);
      const { prefix } = KINDS[kind];
      set(`${prefix}page`, pageElement.dataset.page);
      set(`${prefix}fx`, fx.toFixed(4));
      set(`${prefix}fy`, fy.toFixed(4));
      mark(pageElement, kind, fx, fy);
      busy(document.getElementById("refresh-preview"));
      options.submit();
    });
    // Show the chosen places again once the pages are drawn.
    const chosen = [["marks", picker.dataset.page, picker.dataset.fx, picker.dataset.fy],
                    ["signature", picker.dataset.sigPage, picker.dataset.sigFx, picker.dataset.sigFy]]
      .filter(([, page, fx, fy]) => page && fx && fy);
    if (chosen.length) {
      const observer = new MutationObserver(() => {
        let pending = 0;
        chosen.forEach(([kind, page, fx, fy]) => {
          const element = picker.querySelector(`.pdf-viewer-page[data-page="${page}"]`);
          if (element) mark(element, kind, Number(fx), Number(fy)); else pending += 1;
        });
        if (!pending) observer.disconnect();
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
