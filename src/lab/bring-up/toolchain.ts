import { ensureOcmRelease } from '../../toolchain/ocm-release.js';
import { buildToolchain, findToolchain } from '../../toolchain/toolchain.js';
import type { StepAction } from './action.js';

/** The pinned binaries: found in the cache, or built once from the Go module proxy; and the OCM release the config names. */
export const toolchainAction: StepAction = {
  id: 'toolchain',
  title: 'Toolchain',
  async run(ctx) {
    ctx.toolchain = findToolchain();
    if (!ctx.toolchain) {
      ctx.progress.title('toolchain', 'Toolchain: building pinned binaries from the Go module proxy (first run only)');
      ctx.toolchain = await buildToolchain((line) => ctx.progress.output('toolchain', line), ctx.signal);
    }
    const version = ctx.spec.ocm.version;
    if (version !== ctx.toolchain.versions.ocm) {
      ctx.progress.title('toolchain', `Toolchain: OCM ${version} (built once, beside the pinned ${ctx.toolchain.versions.ocm})`);
      await ensureOcmRelease(ctx.toolchain, version, (line) => ctx.progress.output('toolchain', line), ctx.signal);
    }
    return `Toolchain: ${ctx.toolchain.dir}${version === ctx.toolchain.versions.ocm ? '' : ` (OCM ${version})`}`;
  },
};
