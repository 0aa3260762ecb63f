// app.js - the postern webmail page: plain JavaScript over JMAP
// (RFC 8620, RFC 8621), no framework, no build step. Message HTML is shown
// in a sandboxed frame (no scripts, no same origin) with remote images
// held back until the reader asks for them.
'use strict';

const PAGE = 50;
const MAIL = 'urn:ietf:params:jmap:mail';
const SUBMISSION = 'urn:ietf:params:jmap:submission';
const $ = (id) => document.getElementById(id);

const state = {
  session: null, account: null, mailboxes: [], folder: null, search: '',
  position: 0, total: 0, emails: [], current: null, identity: null,
  attachments: [], replyTo: null,
};

function status(text) { $('status').textContent = text || ''; }

async function api(calls, using) {
  const res = await fetch(state.session.apiUrl, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Postern-Page': '1' },
    body: JSON.stringify({ using: using || ['urn:ietf:params:jmap:core', MAIL, SUBMISSION], methodCalls: calls }),
  });
  if (res.status === 401) { location.reload(); throw new Error('logged out'); }
  if (!res.ok) throw new Error('the server said ' + res.status);
  const out = (await res.json()).methodResponses;
  for (const [name, args] of out)
    if (name === 'error') throw new Error(args.type + (args.description ? ': ' + args.description : ''));
  return out;
}

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) e.append(c);
  return e;
}

function addressText(list) {
  return (list || []).map((a) => a.name ? a.name + ' <' + a.email + '>' : a.email).join(', ');
}

function parseAddresses(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = s.match(/^(.*)<([^>]+)>$/);
    return m ? { name: m[1].trim().replace(/^"|"$/g, '') || null, email: m[2].trim() } : { email: s };
  });
}

function roleBox(role) { return state.mailboxes.find((m) => m.role === role); }

// --- folders ---------------------------------------------------------------

async function loadFolders() {
  const [[, r]] = await api([['Mailbox/get', { accountId: state.account, ids: null }, 'f']]);
  const order = { inbox: 0, drafts: 1, sent: 2, archive: 3, junk: 4, trash: 5 };
  state.mailboxes = r.list.sort((a, b) =>
    ((order[a.role] ?? 9) - (order[b.role] ?? 9)) || a.name.localeCompare(b.name));
  if (!state.folder || !state.mailboxes.some((m) => m.id === state.folder))
    state.folder = (roleBox('inbox') || state.mailboxes[0] || {}).id;
  const nav = $('folders');
  nav.replaceChildren(...state.mailboxes.map((m) => {
    const b = el('button', { type: 'button', className: 'folder' + (m.id === state.folder && !state.search ? ' current' : '') },
      el('span', { textContent: m.name }),
      el('span', { className: 'count', textContent: m.unreadEmails ? String(m.unreadEmails) : '' }));
    b.dataset.id = m.id;
    b.dataset.role = m.role || '';
    b.onclick = () => { state.folder = m.id; state.search = ''; $('search').value = ''; state.position = 0;
      document.body.classList.remove('show-folders'); refresh(); };
    return b;
  }));
  $('move').replaceChildren(el('option', { value: '', textContent: 'Move to…' }),
    ...state.mailboxes.map((m) => el('option', { value: m.id, textContent: m.name })));
}

// --- the message list ------------------------------------------------------

async function loadList() {
  const filter = state.search ? { text: state.search } : { inMailbox: state.folder };
  const [[, q], [, g]] = await api([
    ['Email/query', { accountId: state.account, filter, sort: [{ property: 'receivedAt', isAscending: false }],
      collapseThreads: true, position: state.position, limit: PAGE, calculateTotal: true }, 'q'],
    ['Email/get', { accountId: state.account, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
      properties: ['threadId', 'mailboxIds', 'keywords', 'from', 'subject', 'receivedAt', 'preview', 'hasAttachment'] }, 'g'],
  ]);
  state.total = q.total;
  state.emails = g.list;
  const ul = $('messages');
  ul.replaceChildren(...g.list.map((m) => {
    const unread = !m.keywords.$seen, flagged = !!m.keywords.$flagged;
    const li = el('li', { tabIndex: -1, className: 'message' + (unread ? ' unread' : '') + (flagged ? ' flagged' : '') },
      el('span', { className: 'from', textContent: addressText(m.from) || '(nobody)' }),
      el('span', { className: 'subject', textContent: m.subject || '(no subject)' }),
      el('span', { className: 'marks', textContent: (flagged ? '\u2691' : '') + (m.hasAttachment ? '\u{1F4CE}' : '') }),
      el('time', { textContent: new Date(m.receivedAt).toLocaleString() }),
      el('span', { className: 'preview', textContent: m.preview || '' }));
    li.dataset.id = m.id;
    li.onclick = () => openMessage(m.id);
    li.onkeydown = (e) => { if (e.key === 'Enter') openMessage(m.id); };
    return li;
  }));
  const end = Math.min(state.position + PAGE, state.total);
  $('range').textContent = state.total ? (state.position + 1) + '–' + end + ' of ' + state.total : 'No messages';
  $('prev').disabled = state.position === 0;
  $('next').disabled = end >= state.total;
}

async function refresh() {
  try { await loadFolders(); await loadList(); } catch (e) { status(e.message); }
}

// --- reading ---------------------------------------------------------------

// Remote images are held back: their addresses move to data-blocked-src
// until the reader asks. (The frame has no scripts: sandbox="" and the
// page's Content-Security-Policy, which srcdoc frames inherit.)
function framedHtml(html, images) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  let blocked = 0;
  for (const e of doc.querySelectorAll('script, object, embed, base, meta[http-equiv]')) e.remove();
  for (const img of doc.querySelectorAll('img[src], img[srcset], image, source')) {
    const src = img.getAttribute('src') || '';
    if (!images && !/^(data|cid):/i.test(src)) { img.removeAttribute('src'); img.removeAttribute('srcset'); blocked++; }
  }
  for (const e of doc.querySelectorAll('[style*="url("]')) {
    if (!images) { e.setAttribute('style', e.getAttribute('style').replace(/url\([^)]*\)/gi, 'none')); blocked++; }
  }
  return { html: '<!doctype html><meta charset="utf-8">' + doc.documentElement.outerHTML, blocked };
}

function showBody(m, images) {
  const html = (m.htmlBody || []).find((p) => p.type === 'text/html');
  const text = (m.textBody || []).filter((p) => p.type === 'text/plain').map((p) => (m.bodyValues[p.partId] || {}).value || '').join('\n');
  const frame = $('html-body');
  if (html && m.bodyValues[html.partId]) {
    const f = framedHtml(m.bodyValues[html.partId].value, images);
    frame.srcdoc = f.html;
    frame.hidden = false;
    $('text-body').hidden = true;
    $('images-note').hidden = !f.blocked || images;
  } else {
    frame.hidden = true;
    frame.srcdoc = '';
    $('text-body').hidden = false;
    $('text-body').textContent = text;
    $('images-note').hidden = true;
  }
}

function downloadUrl(blobId, name, type) {
  return state.session.downloadUrl.replace('{accountId}', encodeURIComponent(state.account))
    .replace('{blobId}', encodeURIComponent(blobId)).replace('{name}', encodeURIComponent(name || 'attachment'))
    .replace('{type}', encodeURIComponent(type || 'application/octet-stream'));
}

async function openMessage(id) {
  const [[, g]] = await api([['Email/get', { accountId: state.account, ids: [id],
    properties: ['threadId', 'mailboxIds', 'keywords', 'from', 'to', 'cc', 'replyTo', 'subject', 'sentAt', 'receivedAt',
      'messageId', 'references', 'textBody', 'htmlBody', 'attachments', 'bodyValues'],
    fetchTextBodyValues: true, fetchHTMLBodyValues: true, maxBodyValueBytes: 1048576 }, 'g']]);
  const m = g.list[0];
  if (!m) return;
  state.current = m;
  $('reader').hidden = false;
  document.body.classList.add('reading');
  $('subject').textContent = m.subject || '(no subject)';
  $('meta').replaceChildren(
    el('div', { textContent: 'From: ' + addressText(m.from) }),
    el('div', { textContent: 'To: ' + addressText(m.to) }),
    ...(m.cc && m.cc.length ? [el('div', { textContent: 'Cc: ' + addressText(m.cc) })] : []),
    el('div', { textContent: 'Date: ' + new Date(m.sentAt || m.receivedAt).toLocaleString() }));
  showBody(m, false);
  $('show-images').onclick = () => showBody(m, true);
  $('attachments').replaceChildren(...(m.attachments || []).map((a) =>
    el('li', {}, el('a', { href: downloadUrl(a.blobId, a.name, a.type), textContent: (a.name || 'attachment') + ' (' + a.size + ' bytes)', download: a.name || 'attachment' }))));
  $('flag').textContent = m.keywords.$flagged ? 'Unflag' : 'Flag';
  for (const li of $('messages').children) li.classList.toggle('current', li.dataset.id === id);
  if (!m.keywords.$seen) await setKeyword(m, '$seen', true);
}

async function setKeyword(m, keyword, on) {
  await api([['Email/set', { accountId: state.account, update: { [m.id]: { ['keywords/' + keyword]: on || null } } }, 's']]);
  m.keywords[keyword] = on;
  await refresh();
}

async function moveTo(m, mailboxId) {
  await api([['Email/set', { accountId: state.account, update: { [m.id]: { mailboxIds: { [mailboxId]: true } } } }, 'm']]);
  closeReader();
  await refresh();
}

async function deleteMessage(m) {
  const trash = roleBox('trash');
  if (trash && !m.mailboxIds[trash.id]) return moveTo(m, trash.id);
  await api([['Email/set', { accountId: state.account, destroy: [m.id] }, 'd']]);
  closeReader();
  await refresh();
}

function closeReader() {
  state.current = null;
  $('reader').hidden = true;
  document.body.classList.remove('reading');
}

// --- writing ---------------------------------------------------------------

function quote(m) {
  const text = (m.textBody || []).map((p) => (m.bodyValues[p.partId] || {}).value || '').join('\n');
  return '\n\nOn ' + new Date(m.sentAt || m.receivedAt).toLocaleString() + ', ' + addressText(m.from) + ' wrote:\n' +
    text.replace(/\n+$/, '').split('\n').map((l) => '> ' + l).join('\n');
}

function compose(kind) {
  const m = state.current;
  state.attachments = [];
  state.replyTo = kind === 'reply' || kind === 'reply-all' ? m : null;
  $('c-to').value = ''; $('c-cc').value = ''; $('c-subject').value = ''; $('c-body').value = '';
  $('c-attached').replaceChildren();
  $('c-status').textContent = '';
  if (m && state.replyTo) {
    $('c-to').value = addressText(m.replyTo && m.replyTo.length ? m.replyTo : m.from);
    if (kind === 'reply-all') {
      const me = state.session.username.toLowerCase();
      $('c-cc').value = addressText([...(m.to || []), ...(m.cc || [])].filter((a) => a.email.toLowerCase() !== me));
    }
    $('c-subject').value = /^re:/i.test(m.subject || '') ? m.subject : 'Re: ' + (m.subject || '');
    $('c-body').value = quote(m);
  } else if (m && kind === 'forward') {
    $('c-subject').value = 'Fwd: ' + (m.subject || '');
    $('c-body').value = '\n\n-------- Forwarded message --------\nFrom: ' + addressText(m.from) + '\nSubject: ' + (m.subject || '') +
      quote(m).replace(/^\n\n/, '\n');
    for (const a of m.attachments || []) state.attachments.push({ blobId: a.blobId, type: a.type, name: a.name, size: a.size });
    showAttached();
  }
  $('composer').showModal();
  $(state.replyTo ? 'c-body' : 'c-to').focus();
  if (state.replyTo) $('c-body').setSelectionRange(0, 0);   // write above the quote
}

function showAttached() {
  $('c-attached').replaceChildren(...state.attachments.map((a) => el('li', { textContent: a.name + ' (' + a.size + ' bytes)' })));
}

async function upload(file) {
  const url = state.session.uploadUrl.replace('{accountId}', encodeURIComponent(state.account));
  const res = await fetch(url, { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Postern-Page': '1' }, body: file });
  if (!res.ok) throw new Error('upload failed: ' + res.status);
  const r = await res.json();
  state.attachments.push({ blobId: r.blobId, type: r.type, name: file.name, size: r.size });
  showAttached();
}

async function send() {
  const drafts = roleBox('drafts'), sent = roleBox('sent');
  if (!state.identity) {
    const [[, ids]] = await api([['Identity/get', { accountId: state.account, ids: null }, 'i']]);
    state.identity = ids.list[0];
  }
  const r = state.replyTo;
  const email = {
    mailboxIds: { [drafts.id]: true }, keywords: { $draft: true, $seen: true },
    from: [{ name: state.identity.name || null, email: state.identity.email }],
    to: parseAddresses($('c-to').value), subject: $('c-subject').value,
    textBody: [{ partId: 'body', type: 'text/plain' }],
    bodyValues: { body: { value: $('c-body').value } },
    attachments: state.attachments.map((a) => ({ blobId: a.blobId, type: a.type, name: a.name, disposition: 'attachment' })),
  };
  const cc = parseAddresses($('c-cc').value);
  if (cc.length) email.cc = cc;
  if (r && r.messageId) { email.inReplyTo = r.messageId; email.references = [...(r.references || []), ...r.messageId]; }
  const onSuccess = { 'keywords/$draft': null, ['mailboxIds/' + drafts.id]: null };
  if (sent) onSuccess['mailboxIds/' + sent.id] = true;
  await api([
    ['Email/set', { accountId: state.account, create: { draft: email } }, 'c'],
    ['EmailSubmission/set', { accountId: state.account, create: { sub: { identityId: state.identity.id, emailId: '#draft' } },
      onSuccessUpdateEmail: { '#sub': onSuccess } }, 's'],
  ]);
  if (r) await api([['Email/set', { accountId: state.account, update: { [r.id]: { 'keywords/$answered': true } } }, 'a']]);
}

// --- start -------------------------------------------------------------------

function wire() {
  $('prev').onclick = () => { state.position = Math.max(0, state.position - PAGE); loadList(); };
  $('next').onclick = () => { state.position += PAGE; loadList(); };
  $('menu').onclick = () => document.body.classList.toggle('show-folders');
  $('search-form').onsubmit = (e) => { e.preventDefault(); state.search = $('search').value.trim(); state.position = 0; refresh(); };
  $('compose').onclick = () => { state.current = null; compose('new'); };
  $('reply').onclick = () => compose('reply');
  $('reply-all').onclick = () => compose('reply-all');
  $('forward').onclick = () => compose('forward');
  $('flag').onclick = () => setKeyword(state.current, '$flagged', !state.current.keywords.$flagged);
  $('unread').onclick = () => setKeyword(state.current, '$seen', false).then(closeReader);
  $('move').onchange = (e) => { if (e.target.value) moveTo(state.current, e.target.value); e.target.value = ''; };
  $('delete').onclick = () => deleteMessage(state.current);
  $('cancel').onclick = () => $('composer').close();
  $('c-files').onchange = async (e) => {
    $('c-status').textContent = 'Uploading…';
    try { for (const f of e.target.files) await upload(f); $('c-status').textContent = ''; }
    catch (err) { $('c-status').textContent = err.message; }
    e.target.value = '';
  };
  $('compose-form').onsubmit = async (e) => {
    e.preventDefault();
    $('c-status').textContent = 'Sending…';
    try { await send(); $('composer').close(); status('Sent.'); await refresh(); }
    catch (err) { $('c-status').textContent = err.message; }
  };
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input, textarea, select, dialog')) return;
    const items = [...$('messages').children];
    const at = items.indexOf(document.activeElement);
    if (e.key === 'j' || e.key === 'ArrowDown') { (items[at + 1] || items[0])?.focus(); e.preventDefault(); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { (items[at - 1] || items[0])?.focus(); e.preventDefault(); }
    else if (e.key === 'Escape') closeReader();
    else if (e.key === '#' && state.current) deleteMessage(state.current);
    else if (e.key === '/') { $('search').focus(); e.preventDefault(); }
  });
}

function listen() {
  const url = state.session.eventSourceUrl.replace('{types}', '*').replace('{closeafter}', 'no').replace('{ping}', '60');
  const es = new EventSource(url, { withCredentials: true });
  es.addEventListener('state', () => refresh());
}

async function start() {
  const res = await fetch('/.well-known/jmap', { credentials: 'same-origin', headers: { 'X-Postern-Page': '1' } });
  if (res.status === 401) {
    $('login').hidden = false;
    $('login-failed').hidden = !/login=failed/.test(location.search);
    $('username').focus();
    return;
  }
  state.session = await res.json();
  state.account = Object.keys(state.session.accounts)[0];
  $('app').hidden = false;
  $('whoami').textContent = state.session.username;
  if (!state.session.capabilities[MAIL]) { status('This server offers no mail over JMAP yet.'); return; }
  wire();
  await refresh();
  listen();
  $('messages').firstChild?.focus();
}

start().catch((e) => status(e.message));
