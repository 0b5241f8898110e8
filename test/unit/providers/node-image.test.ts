import { describe, expect, it } from 'vitest';
import { resolveKindNodeImage } from '../../../src/providers/kind/node-image.js';
import { NODE_IMAGE } from '../../../src/toolchain/images.js';
import type { LabSpec } from '../../../src/config/schema.js';
import { UsageError } from '../../../src/errors.js';
import { kindEntry } from '../../../src/providers/kind/entry.js';

const has = (present: boolean) => ({ imagePresence: async () => (present ? { state: 'present' as const } : { state: 'absent' as const }) });
const spec = (images: 'auto' | 'pull' | 'local') => ({ kind: { images, nodeImage: 'kindest/node:v1.36.1', extraImages: [] } });

describe('the node image of a kind lab', () => {
  it('local: the one built offline; pull: the configured one', async () => {
    expect(await resolveKindNodeImage(spec('local'), has(false))).toBe(NODE_IMAGE);
    expect(await resolveKindNodeImage(spec('pull'), has(true))).toBe('kindest/node:v1.36.1');
  });

  it('auto: the built one when Docker has it, else the configured one', async () => {
    expect(await resolveKindNodeImage(spec('auto'), has(true))).toBe(NODE_IMAGE);
    expect(await resolveKindNodeImage(spec('auto'), has(false))).toBe('kindest/node:v1.36.1');
  });
});

describe('the OCM release of a kind lab', () => {
  const lab = (version: string, images: 'local' | 'pull') => ({ ...spec(images), ocm: { version } }) as unknown as LabSpec;

  it('is refused when it is not the pinned one and the nodes hold only the pinned release\'s images (exit 2, naming the ways out)', async () => {
    const error = (await kindEntry.prepare(lab('v1.0.0', 'local')).catch((e: unknown) => e)) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`ocm.version v1.0.0: the kind node image built here (${NODE_IMAGE}) holds the images of OCM v1.2.0 only`);
    expect(error.hint).toMatch(/provider: local for OCM v1\.0\.0, or kind\.images: pull/);
  });

  it('is any supported one where the nodes pull their images, and the pinned one with the images built here', async () => {
    expect(await kindEntry.prepare(lab('v1.0.0', 'pull'))).toEqual({ nodeImage: 'kindest/node:v1.36.1' });
    expect(await kindEntry.prepare(lab('v1.2.0', 'local'))).toEqual({ nodeImage: NODE_IMAGE });
  });
});
