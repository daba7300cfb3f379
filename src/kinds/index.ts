/**
 * The built-in target kinds, registered once when this module is loaded (by the CLI and the step glue). Adding a
 * kind is a folder under src/kinds/ and one line here.
 */
import { registerKind } from '../core/kinds';
import { cephKind } from './ceph';
import { hostsKind } from './hosts';
import { kubernetesKind } from './kubernetes';
import { alertingKind } from './alerting';
import { openstackKind } from './openstack';

registerKind(hostsKind);
registerKind(cephKind);
registerKind(kubernetesKind);
registerKind(alertingKind);
registerKind(openstackKind);
