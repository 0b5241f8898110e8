import { describe, expect, it } from 'vitest';
import { resolveKindNodeImage } from '../../../src/providers/kind/node-image.js';
import { NODE_IMAGE } from '../../../src/toolchain/images.js';

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
