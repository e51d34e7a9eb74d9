// What the scripts that Java tests command have in common (testing/NodeScript.java): JSON lines out, one
// command per JSON line in, and Debian's Chromium for playwright-core, which never downloads a browser.
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
export const log = (s) => process.stderr.write(s + '\n');

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Answers each {"id","cmd",...} line on stdin, one at a time and in order, with {"id","ok":true,...result}
 * or {"id","ok":false,"error"}; calls shutdown(0) after "exit" or at the end of stdin.
 */
export function serveCommands(commands, shutdown) {
  let queue = Promise.resolve();
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    queue = queue.then(async () => {
      let msg;
      try {
        msg = JSON.parse(line);
        const run = commands[msg.cmd];
        if (!run) throw new Error('unknown command ' + msg.cmd);
        print({ id: msg.id, ok: true, ...(await run(msg)) });
        if (msg.cmd === 'exit') await shutdown(0);
      } catch (e) {
        print({ id: msg && msg.id, ok: false, error: e.message });
      }
    });
  });
  input.on('close', () => queue.then(() => shutdown(0)));
}
