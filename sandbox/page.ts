/** The sandbox web page: plain HTML and a little vanilla JS reading the `/_sandbox/` control API. */
export const SANDBOX_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>EmailLabs sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
header { background: #1d2433; color: #fff; padding: 10px 20px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
header code { color: #b9f6ca; }
main { padding: 12px 20px; }
section { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; margin-bottom: 16px; padding: 10px 14px; }
h2 { font-size: 15px; margin: 4px 0 10px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid #eef0f3; }
th { font-weight: 600; color: #555; }
.status { font-weight: 600; padding: 1px 6px; border-radius: 8px; background: #eef0f3; }
.status.ok { background: #c8f7d5; } .status.hardbounce, .status.dropped, .status.feedback { background: #ffd6d6; }
button { font: inherit; font-size: 12px; margin: 1px; cursor: pointer; }
iframe { width: 100%; height: 180px; border: 1px solid #dde1e7; background: #fff; }
details summary { cursor: pointer; color: #2451b7; }
pre { white-space: pre-wrap; margin: 4px 0; font-size: 12px; }
.muted { color: #777; }
</style>
</head>
<body>
<header>
  <h1>EmailLabs sandbox</h1>
  <span>Legacy API: <code id="legacyUrl"></code></span>
  <span>API v2.1: <code id="v2Url"></code></span>
  <span class="muted" id="targets"></span>
  <button id="reset" title="Forget messages, templates, blacklist, calls and webhooks">Reset</button>
</header>
<main>
  <section><h2>Messages</h2><div id="messages" class="muted">No messages yet.</div></section>
  <section><h2>Webhook deliveries</h2><div id="webhooks" class="muted">None.</div></section>
  <section><h2>Blacklist</h2><div id="blacklist" class="muted">Empty.</div></section>
  <section><h2>CRM stand-in calls</h2><div id="crm" class="muted">None.</div></section>
  <section><h2>Chat stand-in messages</h2><div id="chat" class="muted">None.</div></section>
  <section><h2>Received API calls</h2><div id="calls" class="muted">None.</div></section>
</main>
<script>
const esc = (value) => String(value === undefined || value === null ? '' : value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const get = (path) => fetch('/_sandbox/' + path).then((r) => r.json());
const post = (path, body) => fetch('/_sandbox/' + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) }).then((r) => r.json());
const time = (s) => new Date(s * 1000).toLocaleTimeString();
const open = new Set();
const EVENTS = [['delivered', 'Delivered'], ['open', 'Open'], ['click', 'Click'], ['hardbounce', 'Hard bounce'], ['complaint', 'Spam complaint']];

async function fire(messageId, status) {
  const body = { messageId, status };
  if (status === 'click') body.url = prompt('Clicked link', 'https://example.com/') || 'https://example.com/';
  const answer = await post('events', body);
  if (answer.error) alert(answer.error);
  refresh();
}

function renderMessages(messages) {
  if (!messages.length) return '<span class="muted">No messages yet.</span>';
  return '<table><tr><th>Time</th><th>To</th><th>Subject</th><th>Status</th><th>Details</th><th>Fire event</th></tr>' + messages.map((m) => {
    const id = esc(m.messageId);
    const attachments = m.attachments.map((a) => esc(a.name) + ' (' + esc(a.mime) + ', ' + a.size + ' B' + (a.inline ? ', inline' : '') + ')').join('<br>');
    const details = '<details data-id="' + id + '"' + (open.has(m.messageId) ? ' open' : '') + '><summary>show</summary>'
      + '<div>Message ID: <code>' + id + '</code></div>'
      + '<div>From: ' + esc(m.from.name) + ' &lt;' + esc(m.from.email) + '&gt; · SMTP account: ' + esc(m.smtpAccount) + ' · via ' + esc(m.api === 'v2' ? 'v2.1' : 'legacy') + ' ' + esc(m.endpoint) + (m.templateId ? ' · template ' + esc(m.templateId) : '') + '</div>'
      + (m.cc.length ? '<div>CC: ' + esc(m.cc.join(', ')) + '</div>' : '') + (m.bcc.length ? '<div>BCC: ' + esc(m.bcc.join(', ')) + '</div>' : '')
      + (m.tags.length ? '<div>Tags: ' + esc(m.tags.join(', ')) + '</div>' : '')
      + '<div>Variables:</div><pre>' + esc(JSON.stringify(m.vars, null, 2)) + '</pre>'
      + (attachments ? '<div>Attachments:<br>' + attachments + '</div>' : '')
      + (m.html ? '<div>HTML:</div><iframe sandbox="" data-html="' + id + '"></iframe>' : '')
      + (m.text ? '<div>Text:</div><pre>' + esc(m.text) + '</pre>' : '')
      + '<div>Statuses: ' + m.statuses.map((s) => esc(s.status) + ' ' + time(s.statusTime)).join(' → ') + '</div>'
      + '</details>';
    const buttons = EVENTS.map(([status, label]) => '<button data-fire="' + status + '" data-id="' + id + '">' + label + '</button>').join('');
    return '<tr><td>' + esc(m.createdAt) + '</td><td>' + esc(m.to.name ? m.to.name + ' <' + m.to.email + '>' : m.to.email) + '</td><td>' + esc(m.subject)
      + '</td><td><span class="status ' + esc(m.status) + '">' + esc(m.status) + '</span></td><td>' + details + '</td><td>' + buttons + '</td></tr>';
  }).join('') + '</table>';
}

function table(rows, columns) {
  if (!rows.length) return '';
  return '<table><tr>' + columns.map(([label]) => '<th>' + esc(label) + '</th>').join('') + '</tr>'
    + rows.map((row) => '<tr>' + columns.map(([, read]) => '<td>' + read(row) + '</td>').join('') + '</tr>').join('') + '</table>';
}

async function refresh() {
  const [info, messages, blacklist, calls, webhooks, crm, channels] = await Promise.all([get('info'), get('messages?limit=200'), get('blacklist'), get('calls'), get('webhooks'), get('crm'), get('chat')]);
  const chat = (await Promise.all(Object.keys(channels).map((name) => get('chat/' + encodeURIComponent(name))))).flat().sort((a, b) => (a.at < b.at ? 1 : -1));
  document.getElementById('legacyUrl').textContent = info.legacyBaseUrl;
  document.getElementById('v2Url').textContent = info.v2BaseUrl;
  document.getElementById('targets').textContent = info.webhookTargets + ' webhook target(s) · bounce domain ' + info.bounceDomain + ' · complaints from ' + info.complaintAddress
    + (info.retentionSeconds === null ? '' : ' · retention ' + info.retentionSeconds + ' s') + (info.latencyMs ? ' · list latency ' + info.latencyMs + ' ms' : '');
  const byId = new Map(messages.map((m) => [m.messageId, m]));
  document.getElementById('messages').innerHTML = renderMessages(messages);
  document.querySelectorAll('iframe[data-html]').forEach((frame) => { frame.srcdoc = (byId.get(frame.dataset.html) || {}).html || ''; });
  document.getElementById('blacklist').innerHTML = table(blacklist, [['Email', (r) => esc(r.email)], ['Account', (r) => esc(r.account)], ['Reason', (r) => esc(r.reason)], ['Source', (r) => esc(r.source)], ['Comment', (r) => esc(r.comment)], ['Added', (r) => esc(r.created_at)]]) || '<span class="muted">Empty.</span>';
  document.getElementById('calls').innerHTML = table(calls.slice(0, 50), [['Time', (r) => esc(r.at)], ['API', (r) => esc(r.api)], ['Request', (r) => esc(r.method + ' ' + r.path)], ['Query', (r) => '<pre>' + esc(JSON.stringify(r.query)) + '</pre>'], ['HTTP', (r) => esc(r.statusCode)], ['Body', (r) => r.body === undefined ? '' : '<details><summary>show</summary><pre>' + esc(JSON.stringify(r.body, null, 2)) + '</pre></details>']]) || '<span class="muted">None.</span>';
  document.getElementById('webhooks').innerHTML = table(webhooks.deliveries.slice(0, 50), [['#', (r) => esc(r.id)], ['URL', (r) => esc(r.url)], ['Format', (r) => esc(r.format)], ['Events', (r) => esc(r.events.map((e) => e.status + ' ' + e.to.email).join(', '))], ['State', (r) => esc(r.state)], ['Attempts', (r) => esc(r.attempts.map((a) => a.statusCode || a.error).join(', '))], ['Request-Id', (r) => '<code>' + esc(r.requestId) + '</code>']]) || '<span class="muted">None' + (webhooks.targets.length ? '' : ' (no webhook target configured)') + '.</span>';
  document.getElementById('chat').innerHTML = table(chat.slice(0, 50), [['Time', (r) => esc(r.at)], ['Channel', (r) => esc(r.channel)], ['Text', (r) => '<pre>' + esc(r.text) + '</pre>']]) || '<span class="muted">None.</span>';
  document.getElementById('crm').innerHTML = table(crm, [['Time', (r) => esc(r.at)], ['Contact', (r) => esc(r.email)], ['Action', (r) => esc(r.action)], ['Body', (r) => '<pre>' + esc(JSON.stringify(r.body)) + '</pre>']]) || '<span class="muted">None.</span>';
}

document.addEventListener('click', (event) => {
  const target = event.target;
  if (target.dataset && target.dataset.fire) fire(target.dataset.id, target.dataset.fire);
  if (target.id === 'reset' && confirm('Reset the sandbox?')) post('reset').then(refresh);
});
document.addEventListener('toggle', (event) => {
  const id = event.target.dataset && event.target.dataset.id;
  if (id) event.target.open ? open.add(id) : open.delete(id);
}, true);
refresh();
setInterval(() => { if (!document.querySelector('details[open] iframe:focus')) refresh(); }, 2000);
</script>
</body>
</html>
`;
