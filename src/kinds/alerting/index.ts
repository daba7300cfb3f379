/**
 * The alerting kind (issue 15): reads alert state from Prometheus's ALERTS series and Alertmanager's API v2,
 * judges "the alert fires / resolves / no false alarm / the remediation acts", and owns one fault-like artefact —
 * the Alertmanager silence a run creates for the alerts it expects (`alerting.silenceExpected`), with its revert
 * channel (expiry: Alertmanager's own endsAt), its preflight finding and its sweep.
 */
import type { TargetKind } from '../../core/kinds';
import { alertingSection } from './environment';

export const alertingKind: TargetKind = {
  name: 'alerting',
  section: alertingSection,
};
