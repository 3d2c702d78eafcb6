// Report pages: the file-upload form. A multipart form cannot carry the CSRF token where the
// server reads it for forms, so the file is sent with the token in the X-SES-CSRF header.
// Every other report form is plain HTML and works without this script.
"use strict";
document.addEventListener("submit", async (event) => {
  const form = event.target.closest ? event.target.closest("form[data-upload]") : null;
  if (!form) return;
  event.preventDefault();
  const token = form.querySelector("input[name=_csrf]").value;
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-SES-CSRF": token, "Accept": "text/html" },
      credentials: "same-origin",
    });
    if (response.redirected) {
      window.location.assign(response.url);
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = page.querySelector("main");
    if (main) {
      document.querySelector("main").replaceWith(main);
      const summary = document.getElementById("error-summary");
      if (summary) summary.scrollIntoView();
    }
  } finally {
    if (button) button.disabled = false;
  }
});
