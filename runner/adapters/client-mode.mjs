// client-mode.mjs: the adapter side of the adapter protocol's client mode (see ../ADAPTERS.md,
// "Client mode") for Node and Deno (only `node:` modules and standard globals).
//
// serveClient({name, version, actions, create}) prints the hello, then for every `connect` message
// runs one scenario with client-core.mjs (create(url, {withCredentials}, base_url) constructs the
// client), writing one `observed` line per page entry as it happens; `stop` closes the client and
// answers `stopped`. A runtime has no page whose fetches could be aborted: `actions` is ['close'].
import process from 'node:process';
import { createInterface } from 'node:readline';
import { startScenario } from './client-core.mjs';

const write = (message) => process.stdout.write(JSON.stringify(message) + '\n');

export function serveClient({ name, version, actions = ['close'], create }) {
  write({ type: 'hello', protocol: 1, mode: 'client', name, version, capabilities: {}, actions });
  let session = null;
  const handle = (line) => {
    const message = JSON.parse(line);
    switch (message.type) {
      case 'connect':
        session?.stop();
        session = startScenario(message, { create, emit: write });
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
