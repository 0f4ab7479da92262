// Our mocha reporter for the harness (not suite code): mocha's own JSON reporter (the raw
// report, written to --reporter-option output=FILE), plus a timeline written to
// $LER_CONF_TIMES_FILE: one JSON line per test or hook start/end/failure, with the time in
// seconds since the epoch (as the TLS proxy logs requests). The report matches every
// request our services received to the test or hook that was running when it was sent.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// the suite's own mocha (the working directory is the suite root)
const mochaDir = path.dirname(require.resolve('mocha/package.json', {paths: [process.cwd()]}));
const JSONReporter = require(path.join(mochaDir, 'lib', 'reporters', 'json.js'));

const timesFile = process.env.LER_CONF_TIMES_FILE;

function record(event, runnable, extra = {}) {
  if(!timesFile) {
    return;
  }
  const entry = {
    event,
    type: runnable.type, // 'test' or 'hook'
    fullTitle: runnable.fullTitle(),
    parent: runnable.parent ? runnable.parent.fullTitle() : '',
    time: Date.now() / 1000,
    ...extra
  };
  fs.appendFileSync(timesFile, JSON.stringify(entry) + '\n');
}

class LerReporter extends JSONReporter {
  constructor(runner, options) {
    super(runner, options);
    runner.on('test', test => record('begin', test));
    runner.on('test end', test => record('end', test, {state: test.state ||
      (test.pending ? 'pending' : 'unknown')}));
    runner.on('hook', hook => record('begin', hook));
    runner.on('hook end', hook => record('end', hook));
    runner.on('fail', (runnable, err) => record('fail', runnable,
      {message: String(err && err.message || err).slice(0, 2000)}));
    runner.on('pending', test => record('pending', test));
  }
}

module.exports = LerReporter;
