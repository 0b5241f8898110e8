import { buildToolchain, findToolchain } from '../../toolchain/toolchain.js';
import type { StepAction } from './action.js';

/** The pinned binaries: found in the cache, or built once from the Go module proxy. */
export const toolchainAction: StepAction = {
  id: 'toolchain',
  title: 'Toolchain',
  async run(ctx) {
    ctx.toolchain = findToolchain();
    if (!ctx.toolchain) {
      ctx.progress.title('toolchain', 'Toolchain: building pinned binaries from the Go module proxy (first run only)');
      ctx.toolchain = await buildToolchain((line) => ctx.progress.output('toolchain', line), ctx.signal);
    }
    return `Toolchain: ${ctx.toolchain.dir}`;
  },
};
