// Batch protocol shared by di.mjs and jwt.mjs.
//
// stdin:  {"cases": [{"id": "...", "op": "...", ...}, ...]}
// stdout: {"results": [{"id": "...", ...result of the op...}, ...]}
// A case whose handler throws yields {"id", "crashed": true, "error": "..."}; a case that
// merely fails verification yields the handler's own {"verified": false, "errors": [...]}.

/** Reads all of stdin as UTF-8 JSON. */
export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Flattens an error (and nested .errors / .cause) into a list of messages. */
export function errorMessages(error) {
  if(!error) {
    return [];
  }
  const messages = [];
  const seen = new Set();
  const walk = e => {
    if(!e || seen.has(e)) {
      return;
    }
    seen.add(e);
    if(Array.isArray(e)) {
      e.forEach(walk);
      return;
    }
    if(e.message) {
      messages.push(`${e.name || 'Error'}: ${e.message}`);
    }
    const event = e.details?.event;
    if(event) {
      // jsonld safe-mode events name the dropped term
      messages.push(`${event.code}: ${event.message} ${JSON.stringify(event.details || {})}`);
    }
    walk(e.errors);
    walk(e.cause);
    walk(e.details?.cause);
  };
  walk(error);
  return messages;
}

/** Runs every case through handlers[case.op] in order and prints the results. */
export async function runBatch(handlers) {
  const request = await readStdinJson();
  const results = [];
  for(const testCase of request.cases) {
    const handler = handlers[testCase.op];
    try {
      if(!handler) {
        throw new Error(`unknown op: ${testCase.op}`);
      }
      results.push({id: testCase.id, ...(await handler(testCase))});
    } catch(error) {
      results.push({id: testCase.id, crashed: true, error: errorMessages(error).join(' | ')});
    }
  }
  process.stdout.write(JSON.stringify({results}));
}
