/**
 * The OpenStack expiry process (started detached by revert-channel.ts before the harm): sleeps until the
 * injection's TTL, replays its recipe's undos and removes its marker. Usage: replay-main.ts MARKER_JSON DELAY_MS.
 */
import { readMarker, runExpiryMain } from '../../revert/detached-expiry';
import { OpenstackRecipe, replayRecipe } from './recipe';

runExpiryMain('openstack', (marker) => replayRecipe(readMarker<OpenstackRecipe>(marker)));
