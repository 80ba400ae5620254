import { InMemoryRunStore } from '../../lambda/adapters/local/in-memory-run-store';
import { describeRunStoreContract } from '../contracts/run-store.contract';

describeRunStoreContract('InMemoryRunStore', async (options) => ({
  store: new InMemoryRunStore({ faults: options?.faults }),
  cleanup: async () => undefined,
}));
