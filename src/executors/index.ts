/** executorFor: builds the executor an environment's node spec asks for. */
import type { ExecutorSpec } from '../model/environment';
import type { Executor } from './executor';
import { LocalExecutor } from './local';
import { NetnsExecutor } from './netns';
import { KubeNodeExecutor } from './kube-node';
import { NsenterExecutor } from './nsenter';
import { SshExecutor } from './ssh';

export function executorFor(spec: ExecutorSpec): Executor {
  switch (spec.kind) {
    case 'local':
      return new LocalExecutor();
    case 'netns':
      return new NetnsExecutor(spec.namespace);
    case 'ssh':
      return new SshExecutor(spec);
    case 'nsenter':
      return new NsenterExecutor(executorFor(spec.via), spec.netns);
    case 'kube-node':
      return new KubeNodeExecutor(spec);
  }
}

export type { Executor } from './executor';
