// client-core.mjs: one scenario of the adapter protocol's client mode (../ADAPTERS.md, "Client
// mode"), with no dependency on the platform: Node and Deno run it through client-mode.mjs, and the
// runner serves it to browsers, whose scenario document runs it directly.
//
// startScenario(message, {create, emit, abort}) constructs the client with
// create(url, {withCredentials}, base_url), listens to `open`, `error`, `message` and the named types
// in message.listen, and calls emit(entry) once per page entry as it happens. The scripted page
// actions (`close`, and `abort` when the platform gives an abort() that aborts the page's fetches) run
// here, after the n-th observation, at once inside its handler or after a delay, so a close() inside
// a handler happens before any other task. Returns {stop()}: close the client, cancel pending actions,
// emit nothing more. A constructor that throws is emitted as {type: 'threw'} by the caller's emit.
export function startScenario(message, { create, emit, abort }) {
  const timers = [];
  let client = null;
  let observations = 0;
  let stopped = false;
  const record = (entry) => {
    if (!stopped) emit({ type: 'observed', entry });
  };
  const readyState = () => client?.readyState ?? 0;
  const runAction = (action) => {
    if (stopped) return;
    if (action.action === 'close') client.close();
    else abort();
    record({ kind: action.action, ready_state: readyState() });
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
    runActionsDueAt(++observations);
  };
  try {
    client = create(message.url, { withCredentials: Boolean(message.with_credentials) }, message.base_url);
  } catch (error) {
    emit({ type: 'threw', name: error?.name ?? 'Error', message: String(error?.message ?? error) });
    return { stop() {} };
  }
  // A stream can name its event `open` or `error` (`event: error`): when the reference dispatches
  // such a message, the one listener of that type tells the MessageEvent (its data is a string)
  // from the connection's own event.
  const listen = new Set(['message', ...(message.listen ?? [])]);
  const onConnectionEvent = (kind) => (event) => {
    if (listen.has(kind) && typeof event.data === 'string') onMessage(event);
    else observe({ kind, ready_state: readyState() });
  };
  client.addEventListener('open', onConnectionEvent('open'));
  client.addEventListener('error', onConnectionEvent('error'));
  const onMessage = (event) =>
    observe({
      kind: 'message',
      type: event.type,
      data: event.data,
      last_event_id: event.lastEventId,
      origin: event.origin,
      ready_state: readyState(),
    });
  for (const type of listen) if (type !== 'open' && type !== 'error') client.addEventListener(type, onMessage);
  record({ kind: 'construct', ready_state: readyState() });
  runActionsDueAt(0);
  return {
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      client.close();
    },
  };
}
