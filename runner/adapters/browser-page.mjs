// browser-page.mjs: the script of a scenario's document in a browser (runner/src/browser_client.hpp).
// The runner's scenario server serves the document at the scenario's {origin}/, so the page's own
// `new EventSource(url)` resolves a relative url and sends its Origin exactly as a page of that
// origin does. It runs client-core.mjs (the code of the Node and Deno client adapters), with
// `abort` as window.stop(), posts each line (again when window.stop() cancelled the post), and
// long-polls /stop for where to go next.
import { startScenario } from './client-core.mjs';

const channel = '/__sse-conformance/';
const message = await (await fetch(channel + 'connect', { cache: 'no-store' })).json();
let sequence = 0;
// A keepalive POST per line; window.stop() cancels the loads it finds, and a line posted in the same
// task as window.stop() (the `abort` entry, and what follows it) can be cancelled with them, so a
// failed post is sent again. `n` keeps them in order, and a line that comes twice counts once.
const post = (body, attempt) =>
  fetch(channel + 'observed', { method: 'POST', body, keepalive: true, cache: 'no-store' }).catch(() => {
    if (attempt < 50) setTimeout(() => post(body, attempt + 1), 50);
  });
const emit = (line) => post(JSON.stringify({ n: sequence++, line }), 0);
const session = startScenario(message, {
  create: (url, init) => new EventSource(url, init),
  emit,
  abort: () => window.stop(),
});
// window.stop() aborts this fetch too, so a failure is retried; only a server that stays away (the
// runner gave up on this scenario) sends the page home.
let next = message.home;
for (let failures = 0; failures < 30; ) {
  try {
    const answer = await fetch(channel + 'stop', { cache: 'no-store' });
    if (answer.status === 200) {
      next = await answer.text();
      break;
    }
    failures = 0;
  } catch {
    ++failures;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
session.stop();
location.replace(next);
