// Suggested registration fields: a click puts the value in the form field (never automatically).
document.addEventListener("click", (event) => {
  const apply = (button) => {
    const field = document.getElementById("id_" + button.dataset.field);
    if (!field) return;
    field.value = button.dataset.value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
    button.classList.replace("btn-outline-secondary", "btn-success");
    button.setAttribute("aria-pressed", "true");
  };
  const one = event.target.closest(".ocr-suggestion");
  if (one) { apply(one); return; }
  if (event.target.closest(".ocr-suggestion-all")) {
    // Doubtful values (not in the directory, cut off, running into the body) only by a click of their own.
    document.querySelectorAll(".ocr-suggestion:not([data-doubtful])").forEach(apply);
  }
});
