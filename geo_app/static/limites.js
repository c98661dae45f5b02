// Behaviour of the pages, kept out of inline handlers so the Content-Security-Policy can
// refuse every script without the request's nonce.
document.addEventListener("DOMContentLoaded", () => {
  // A <select data-submit-on-change> submits its form as soon as a value is chosen.
  for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // On a phone the navigation is one line that scrolls sideways: bring the current section
  // into view so the user sees where they are.
  const nav = document.querySelector(".nav-scroll");
  const active = nav && nav.querySelector(".active");
  if (active && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = active.offsetLeft - (nav.clientWidth - active.offsetWidth) / 2;
  }
});
