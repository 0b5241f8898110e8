// Setup file of the local project: each file runs in a shared turn of the machine (test/support/machine-turns.ts).
import { afterAll, beforeAll } from 'vitest';
import { endSharedTurn, takeSharedTurn } from './machine-turns.js';

// The alone turn lasts as long as OCM's e2e suite (up to its 40 min limit).
beforeAll(takeSharedTurn, 2_700_000);
afterAll(endSharedTurn);
