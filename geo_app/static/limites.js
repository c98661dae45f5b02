// Behaviour of the pages, kept out of inline handlers so the Content-Security-Policy can
// refuse every script without the request's nonce.
document.addEventListener("DOMContentLoaded", () => {
  // A <select data-submit-on-change> submits its form as soon as a value is chosen.
  for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});
