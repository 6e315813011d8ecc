// client-mode.mjs: the adapter side of the adapter protocol's client mode (see ../ADAPTERS.md,
// "Client mode"), for any EventSource-like client. Runs unchanged under Node and Deno (only `node:`
// modules and standard globals).
//
// serveClient({name, version, actions, create}) prints the hello, then for every `connect` message
// constructs the client with create(url, {withCredentials}, base_url), listens to `open`, `error`, `message`
// and the named types the runner lists, and streams one `observed` line per entry as it happens. The
// scripted page actions (`close` after the n-th observation, at once inside its handler or after a
// delay) are run here, so a close() inside a handler happens before any other task. `stop` closes
// the client and answers `stopped`.
import process from 'node:process';
import { createInterface } from 'node:readline';

const write = (message) => process.stdout.write(JSON.stringify(message) + '\n');

export function serveClient({ name, version, actions = ['close'], create }) {
  write({ type: 'hello', protocol: 1, mode: 'client', name, version, capabilities: {}, actions });
  let session = null;

  const connect = (message) => {
    const timers = [];
    const state = { client: null, observations: 0, stopped: false };
    const record = (entry) => {
      if (!state.stopped) write({ type: 'observed', entry });
    };
    const readyState = () => state.client?.readyState ?? 0;
    const runAction = (action) => {
      if (state.stopped) return;
      if (action.action === 'close') {
        state.client.close();
        record({ kind: 'close', ready_state: readyState() });
      }
    };
    const runActionsDueAt = (observation) => {
      for (const action of message.actions ?? []) {
        if (action.after_observation !== observation) continue;
        if (!action.delay_ms) runAction(action);
        else timers.push(setTimeout(() => runAction(action), action.delay_ms));
      }
    };
    const observe = (entry) => {
      record(entry);
      runActionsDueAt(++state.observations);
    };
    try {
      state.client = create(message.url, { withCredentials: Boolean(message.with_credentials) }, message.base_url);
    } catch (error) {
      write({ type: 'threw', name: error?.name ?? 'Error', message: String(error?.message ?? error) });
      return { stop() {} };
    }
    const es = state.client;
    es.addEventListener('open', () => observe({ kind: 'open', ready_state: readyState() }));
    es.addEventListener('error', () => observe({ kind: 'error', ready_state: readyState() }));
    const onMessage = (event) =>
      observe({
        kind: 'message',
        type: event.type,
        data: event.data,
        last_event_id: event.lastEventId,
        origin: event.origin,
        ready_state: readyState(),
      });
    for (const type of new Set(['message', ...(message.listen ?? [])])) es.addEventListener(type, onMessage);
    record({ kind: 'construct', ready_state: readyState() });
    runActionsDueAt(0);
    return {
      stop() {
        state.stopped = true;
        for (const timer of timers) clearTimeout(timer);
        es.close();
      },
    };
  };

  const handle = (line) => {
    const message = JSON.parse(line);
    switch (message.type) {
      case 'connect':
        session?.stop();
        session = connect(message);
        break;
      case 'stop':
        session?.stop();
        session = null;
        write({ type: 'stopped' });
        break;
      default:
        throw new Error(`unknown message type: ${line}`);
    }
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    try {
      handle(line);
    } catch (error) {
      process.stderr.write(`${name} client adapter: ${error?.stack ?? error}\n`);
      process.exit(1);
    }
  });
  lines.on('close', () => process.exit(0));
}
