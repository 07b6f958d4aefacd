// The issuing agency of a registration, found in the national directory of agency codes: typing a
// few words of its name offers the agencies that match; choosing one fills its code as well.
(() => {
  const name = document.querySelector("[data-directory-search]");
  const code = document.getElementById("id_issuer_code");
  if (!name) return;
  const list = document.createElement("datalist");
  list.id = name.getAttribute("list");
  name.after(list);
  const codes = new Map();
  let timer = null;
  name.addEventListener("input", () => {
    if (codes.has(name.value)) {
      if (code) code.value = codes.get(name.value);
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const response = await fetch(`${name.dataset.directorySearch}?q=${encodeURIComponent(name.value)}`,
                                   { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const { agencies } = await response.json();
      list.replaceChildren(...agencies.map((agency) => {
        codes.set(agency.name, agency.code);
        const option = document.createElement("option");
        option.value = agency.name;
        option.label = agency.code;
        return option;
      }));
    }, 250);
  });
})();
