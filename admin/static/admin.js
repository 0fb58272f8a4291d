// chatdesk admin: small progressive enhancements (every form also works without script).
// Served from /static (CSP: script-src 'self'); the server sanitises every HTML it returns.
"use strict";

function csrfOf(form) {
  const field = form.querySelector('input[name="csrf_token"]');
  return field ? field.value : "";
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function postForm(url, data, csrf) {
  const response = await fetch(url, {
    method: "POST",
    body: data,
    headers: { "X-CSRF-Token": csrf },
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

// Live Markdown preview: <textarea data-preview="#target"> in a form with a CSRF token.
for (const area of document.querySelectorAll("textarea[data-preview]")) {
  const target = document.querySelector(area.dataset.preview);
  const form = area.form;
  if (!target || !form) continue;
  const refresh = debounce(async () => {
    const data = new FormData();
    data.append("body", area.value);
    try {
      target.innerHTML = await postForm("/kb/preview", data, csrfOf(form));
    } catch (error) {
      console.warn(error);
    }
  }, 300);
  area.addEventListener("input", refresh);
}

// Live "test a question" against the article in the editor (saved or not).
for (const trial of document.querySelectorAll("form[data-trial-of]")) {
  const article = document.querySelector(trial.dataset.trialOf);
  const target = document.querySelector(trial.dataset.target);
  if (!article || !target) continue;
  const run = async () => {
    const data = new FormData(article);
    data.delete("csrf_token");
    data.delete("intent");
    data.append("question", trial.querySelector('[name="question"]').value);
    try {
      target.innerHTML = await postForm(trial.action, data, csrfOf(trial));
    } catch (error) {
      console.warn(error);
    }
  };
  const later = debounce(run, 400);
  trial.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  trial.querySelector('[name="question"]').addEventListener("input", later);
  article.addEventListener("input", later);
}

// Live preview of a canned reply: the text with its macros filled in (for a sample ticket or
// the number given), as the requester would get it.
for (const form of document.querySelectorAll("form[data-canned-preview]")) {
  const target = document.querySelector(form.dataset.cannedPreview);
  if (!target) continue;
  const refresh = debounce(async () => {
    const data = new FormData(form);
    data.delete("csrf_token");
    try {
      target.innerHTML = await postForm("/canned/preview", data, csrfOf(form));
    } catch (error) {
      console.warn(error);
    }
  }, 300);
  form.addEventListener("input", refresh);
}

// A live result under a GET form: <form data-live-fragment="/url" data-target="#id"> fetches
// the fragment for the form's fields as they are typed (the form itself reloads the page). With
// data-draft-from="selector", the last of those forms typed in is sent along (POST, its own
// CSRF token), so the result counts what is being typed there as if it were saved.
async function liveFragment(form, draft) {
  const url = form.dataset.liveFragment;
  let response;
  if (form.method === "post" && !draft) draft = form; // the box carries a rule along already
  if (draft) {
    const data = new FormData(draft);
    data.delete("csrf_token");
    if (draft !== form) {
      for (const [name, value] of new FormData(form)) {
        if (name !== "csrf_token") data.append(name, value);
      }
    }
    response = await fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-CSRF-Token": csrfOf(draft) },
      credentials: "same-origin",
    });
  } else {
    const query = new URLSearchParams(new FormData(form));
    response = await fetch(`${url}?${query}`, { credentials: "same-origin" });
  }
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

for (const form of document.querySelectorAll("form[data-live-fragment]")) {
  if (!document.querySelector(form.dataset.target)) continue;
  let draft = null;
  const refresh = debounce(async () => {
    try {
      const html = await liveFragment(form, draft);
      document.querySelector(form.dataset.target).outerHTML = html; // the fragment has the id
    } catch (error) {
      console.warn(error);
    }
  }, 300);
  form.addEventListener("input", refresh);
  if (!form.dataset.draftFrom) continue;
  for (const typed of document.querySelectorAll(form.dataset.draftFrom)) {
    typed.addEventListener("input", () => {
      draft = typed;
      refresh();
    });
  }
  form.addEventListener("submit", (event) => {
    if (!draft) return; // no rule typed: the page reloads with the saved rules
    event.preventDefault();
    refresh();
  });
}
