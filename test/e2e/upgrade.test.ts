import { upgradeSuite } from './upgrade-suite.js';

// Provider: local. OCM's components run as host processes on the release's binaries, restarted on the new ones.
upgradeSuite({
  provider: 'local',
  config: 'fixtures/configs/upgrade.yaml',
  hubRestarted: /hub v1\.0\.0 → v1\.2\.0 in [\d.]+m?s; restarted: hub\/registration-webhook, hub\/work-webhook, hub\/registration, hub\/placement, hub\/addon-manager; 3 applied objects kept/,
  agentsRestarted: /agents v1\.0\.0 → v1\.2\.0 in [\d.]+m?s; restarted: cluster\d\/klusterlet, cluster\d\/klusterlet; 3 applied objects kept/,
  hubComponent: 'hub/registration',
  cluster1Agent: 'cluster1/klusterlet',
  addonWebhook: 'hub/addon-webhook',
});
