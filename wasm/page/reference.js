// reference.js: the WASM reference parser, as the page uses it. The server serves the wasm package
// (wasm/, built with Emscripten) at /wasm/; this module adapts its API to two calls:
//   observe(bytes, initialLastEventId, splits) -> observation log (all kinds, fixture JSON shape)
//   compare(expected, observed)                -> {equal, diff}   (conformance::compare_logs)
// and resolves to null when the package is not there (the page then shows the corpus's logs).
export async function loadReference() {
  let pkg;
  try {
    pkg = await import('/wasm/index.js');
  } catch (e) {
    return null;
  }
  return adapt(pkg);
}

async function adapt(pkg) {
  const api = pkg.default && !pkg.parse ? pkg.default : pkg;
  if (typeof api.load === 'function') await api.load();
  return {
    description: `loaded from /wasm/index.js`,
    observe(bytes, initialLastEventId, splits) {
      const p = api.createParser({ initialLastEventId, reportComments: true });
      try {
        const log = [];
        const cuts = [0, ...(splits || []), bytes.length];
        for (let k = 0; k + 1 < cuts.length; k++) log.push(...p.feed(bytes.subarray(cuts[k], cuts[k + 1])));
        log.push(...p.finish());
        return log;
      } finally {
        p.dispose();
      }
    },
    compare(expected, observed) {
      return api.compareLogs(expected, observed);
    },
  };
}
