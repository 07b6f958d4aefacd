// Behaviour every page shares. The Content Security Policy (settings.py) allows no inline script
// and no onclick=/onchange= attributes: markup asks for behaviour with data- attributes instead.

// <select data-autosubmit>: choosing an option submits its form (the "act as" menu of the top bar).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
