/** executorFor: builds the executor an environment's node spec asks for. */
import type { ExecutorSpec } from '../environment/types';
import { ExperimentCompromised } from '../core/errors';
import type { Executor } from './executor';
import { LocalExecutor } from './local';
import { NetnsExecutor } from './netns';

export function executorFor(spec: ExecutorSpec): Executor {
  switch (spec.kind) {
    case 'local':
      return new LocalExecutor();
    case 'netns':
      return new NetnsExecutor(spec.namespace);
    case 'ssh':
      throw new ExperimentCompromised(
        `the ssh executor (host ${spec.host}) is not available yet; use netns or local nodes`,
      );
  }
}

export type { Executor } from './executor';
