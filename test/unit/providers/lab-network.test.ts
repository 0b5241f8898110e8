import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabNetwork } from '../../../src/providers/kind/lab-network.js';
import { useFakeBins } from './fake-bins.js';

// A stand-in `docker` on PATH that behaves like the engine for networks (our logic only): `network create`
// takes a moment and refuses a name that exists; `network ls --filter label=<key>` lists the networks with that
// label, `network inspect` describes them as JSON. Networks are kept as "<name>\t<owner label>" lines.
const FAKE_DOCKER = `#!/usr/bin/env node
const fs = require('node:fs');
const dir = process.env.FAKE_DIR;
const args = process.argv.slice(2);
fs.appendFileSync(dir + '/calls', args.join(' ') + '\\n');
const file = dir + '/networks';
const networks = (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').split('\\n').filter(Boolean).map((l) => l.split('\\t'));
const [a, b] = args;
if (a === 'network' && b === 'ls') console.log(networks.map(([name]) => name).join('\\n'));
else if (a === 'network' && b === 'inspect') console.log(JSON.stringify(args.slice(2).map((id) => ({ Id: id, Name: id, Labels: { 'io.ocm-lab.owner': networks.find(([n]) => n === id)[1] } }))));
else if (a === 'network' && b === 'create') {
  const name = args.at(-1);
  if (networks.some(([n]) => n === name)) { console.error('Error response from daemon: network with name ' + name + ' already exists'); process.exit(1); }
  const owner = args[args.indexOf('--label') + 1].replace(/^io\\.ocm-lab\\.owner=/, '');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  fs.appendFileSync(file, name + '\\t' + owner + '\\n');
} else if (a === 'network' && b === 'rm') fs.writeFileSync(file, networks.filter(([n]) => !args.includes(n)).map((l) => l.join('\\t') + '\\n').join(''));
`;

describe('LabNetwork', () => {
  const fake = useFakeBins({ docker: FAKE_DOCKER });

  const calls = () => readFileSync(join(fake.dir(), 'calls'), 'utf8').split('\n').filter(Boolean);

  it('is created once when three clusters ask for it at the same time', async () => {
    const network = new LabNetwork('ocm-lab-x-1234', '/labs/.lab/x');
    await Promise.all([network.ensure(), network.ensure(), network.ensure()]);
    expect(calls().filter((c) => c.startsWith('network create'))).toEqual([
      'network create --driver bridge --label io.ocm-lab.owner=/labs/.lab/x ocm-lab-x-1234',
    ]);
  });

  it('is not created again when the lab already owns it, and remove deletes what it owns', async () => {
    writeFileSync(join(fake.dir(), 'networks'), 'ocm-lab-x-1234\t/labs/.lab/x\n');
    const network = new LabNetwork('ocm-lab-x-1234', '/labs/.lab/x');
    await network.ensure();
    expect(calls().some((c) => c.startsWith('network create'))).toBe(false);
    await network.remove();
    expect(calls()).toContain('network rm ocm-lab-x-1234');
  });

  it('is found by its exact owner label when the state dir path has spaces, and another lab\'s is never removed', async () => {
    const owner = '/home/me/My Labs/.lab/x';
    writeFileSync(join(fake.dir(), 'networks'), ['theirs\t/home/me/My Labs/.lab/x-2', 'prefix\t/home/me/My', `mine\t${owner}`, ''].join('\n'));
    const network = new LabNetwork('mine', owner);
    expect(await network.owned()).toEqual(['mine']);
    await network.remove();
    expect(calls().filter((c) => c.startsWith('network rm'))).toEqual(['network rm mine']);
  });
});
