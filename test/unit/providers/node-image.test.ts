import { describe, expect, it } from 'vitest';
import { resolveKindNodeImage } from '../../../src/providers/kind/node-image.js';
import { NODE_IMAGE, OCM_IMAGES } from '../../../src/toolchain/images.js';
import type { LabSpec } from '../../../src/config/schema.js';
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

  it('is any supported one, with the images built here (they hold every supported release) or pulled', async () => {
    expect(await kindEntry.prepare(lab('v1.0.0', 'local'))).toEqual({ nodeImage: NODE_IMAGE });
    expect(await kindEntry.prepare(lab('v1.0.0', 'pull'))).toEqual({ nodeImage: 'kindest/node:v1.36.1' });
    expect(await kindEntry.prepare(lab('v1.2.0', 'local'))).toEqual({ nodeImage: NODE_IMAGE });
  });

  it('is in the node image built here: the OCM images of every supported release are preloaded', () => {
    for (const version of ['v1.0.0', 'v1.2.0']) expect(OCM_IMAGES).toContain(`quay.io/open-cluster-management/registration:${version}`);
  });
});
