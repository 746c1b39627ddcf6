// Page behaviour Gradio has no option for (served inline with the page; no CDN).
(() => {
  // [n] in an answer opens citation n of that turn in the citations panel.
  document.addEventListener("click", (e) => {
    const a = e.target.closest ? e.target.closest("a.cv-ref") : null;
    if (!a) return;
    e.preventDefault();
    e.stopPropagation();
    const target = document.getElementById(a.getAttribute("href").slice(1));
    if (!target) return;
    document.querySelectorAll(".cv-citation.cv-active").forEach((x) => x.classList.remove("cv-active"));
    target.classList.add("cv-active");
    target.scrollIntoView({ block: "center" });
  }, true);
  // A new answer card is shown from its top (its conclusion), not scrolled to its end.
  const scroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p).overflowY;
      if ((s === "auto" || s === "scroll") && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  };
  let last = null;
  new MutationObserver(() => {
    const cards = document.querySelectorAll("#chatbot .cv-card");
    const card = cards[cards.length - 1];
    if (!card || card === last) return;
    last = card;
    const box = scroller(card);
    if (box) box.scrollTop += card.getBoundingClientRect().top - box.getBoundingClientRect().top - 48;  // below the label
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
