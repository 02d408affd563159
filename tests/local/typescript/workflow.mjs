// The official TypeScript client (@runloop/api-client) with its default options against the
// engine at RUNLOOP_BASE_URL (RUNLOOP_API_KEY): on Node it speaks HTTP/2 (h2c with prior
// knowledge for an http:// URL). Run by tests/local/test_typescript_client.py; prints one line
// per step and "WORKFLOW OK" at the end, and exits 1 at the first failed step.
import assert from 'node:assert/strict';
import { RunloopSDK } from '@runloop/api-client';

const sdk = new RunloopSDK(); // defaults: RUNLOOP_API_KEY, RUNLOOP_BASE_URL, HTTP/2
const made = [];

async function step(name, body) {
  await body();
  console.log(`step ok: ${name}`);
}

try {
  let devbox;
  await step('create', async () => {
    devbox = await sdk.devbox.create({ name: 'ts-client' });
    made.push(devbox);
    assert.equal((await devbox.getInfo()).status, 'running');
  });

  await step('exec', async () => {
    const result = await devbox.cmd.exec('echo hello from ts');
    assert.equal(result.exitCode, 0);
    assert.equal(await result.stdout(), 'hello from ts\n');
  });

  await step('execAsync + kill', async () => {
    const execution = await devbox.cmd.execAsync('sleep 60');
    assert.equal((await execution.getState()).status, 'running');
    await execution.kill();
    const state = await execution.result();
    assert.notEqual(state.exitCode, 0);
  });

  await step('stdout callback, 2,000 lines', async () => {
    const lines = [];
    const result = await devbox.cmd.exec('seq 1 2000', { stdout: (line) => lines.push(line) });
    assert.equal(result.exitCode, 0);
    const numbers = lines.join('').split('\n').filter((l) => l !== '');
    assert.equal(numbers.length, 2000);
    assert.equal(numbers[0], '1');
    assert.equal(numbers[1999], '2000');
  });

  await step('file write/read', async () => {
    await devbox.file.write({ file_path: '/home/user/note.txt', contents: 'über ts\n' });
    assert.equal(await devbox.file.read({ file_path: '/home/user/note.txt' }), 'über ts\n');
  });

  await step('snapshot and fork', async () => {
    const snapshot = await devbox.snapshotDisk({ name: 'ts-snap' });
    const fork = await snapshot.createDevbox({ name: 'ts-fork' });
    made.push(fork);
    const read = await fork.cmd.exec('cat /home/user/note.txt');
    assert.equal(await read.stdout(), 'über ts\n');
  });

  await step('storage object upload/download', async () => {
    const object = await sdk.storageObject.uploadFromText('stored by ts\n', 'ts-object.txt');
    assert.equal(await object.downloadAsText(), 'stored by ts\n');
    const buffer = Buffer.alloc(3 * 1024 * 1024, 7);
    const binary = await sdk.storageObject.uploadFromBuffer(buffer, 'ts-object.bin', 'binary');
    assert.ok((await binary.downloadAsBuffer()).equals(buffer));
  });

  await step('list pagination', async () => {
    const ids = [];
    for await (const view of sdk.api.devboxes.list({ limit: 1 })) {
      ids.push(view.id);
    }
    for (const box of made) {
      assert.ok(ids.includes(box.id), `${box.id} missing from the paginated list`);
    }
    assert.equal(new Set(ids).size, ids.length);
  });
} finally {
  for (const box of made) {
    await box.shutdown().catch((err) => console.error(`shutdown of ${box.id} failed: ${err}`));
  }
}
console.log('WORKFLOW OK');
