// Progressive enhancement: a form marked data-swap posts in the background
// and replaces the element named by data-swap with the same element of the
// answer, so a butler's list updates without a full reload. Without
// JavaScript the same forms post and redirect as usual.
document.addEventListener('submit', async (ev) => {
  const form = ev.target;
  const target = form.dataset && form.dataset.swap;
  if (!target || !window.fetch) return;
  ev.preventDefault();
  const button = form.querySelector('button');
  if (button) button.disabled = true;
  try {
    const res = await fetch(form.action, { method: 'POST', body: new FormData(form), headers: { 'X-Requested-With': 'fetch' } });
    const html = await res.text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const fresh = doc.querySelector(target);
    const old = document.querySelector(target);
    if (fresh && old) { old.replaceWith(fresh); } else { document.open(); document.write(html); document.close(); }
  } catch (e) {
    form.submit();
  } finally {
    if (button) button.disabled = false;
  }
});

// The department is required exactly when the outcome is 有问题
// (reached_issue); the server refuses it otherwise, in the page's language.
document.addEventListener('change', (ev) => {
  const input = ev.target;
  if (!input.form || input.name !== 'disposition') return;
  const dept = input.form.querySelector('select[name=department]');
  if (dept) dept.required = input.form.querySelector('input[name=disposition][value=reached_issue]:checked') !== null;
});

// A filter marked data-refresh follows its fields: when one changes, the
// page is asked again with the new values and the element named by
// data-refresh (the card with its row count and download links) is
// replaced, so a link never keeps an old period. Without JavaScript the
// form's button submits it.
document.addEventListener('change', async (ev) => {
  const form = ev.target.form;
  const target = form && form.dataset && form.dataset.refresh;
  if (!target || !window.fetch || !form.checkValidity()) return;
  const url = new URL(form.action, location.href);
  url.hash = '';
  url.search = new URLSearchParams(new FormData(form)).toString();
  try {
    const res = await fetch(url, { headers: { 'X-Requested-With': 'fetch' } });
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.querySelector(target);
    const old = document.querySelector(target);
    if (fresh && old) {
      old.replaceWith(fresh);
      history.replaceState(null, '', url.pathname + url.search + target);
    }
  } catch (e) {
    form.submit();
  }
});
