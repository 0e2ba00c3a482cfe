/**
 * The marker that tells this sync's guests apart: a directory extension attribute on the user, holding the source
 * name (e.g. `slack`).
 *
 * Why a directory extension and not the alternatives:
 * - open extensions (`/users/{id}/extensions`) cannot be used in `$filter` on users, so "every guest of this source"
 *   would mean reading every guest with its extensions one by one;
 * - `onPremisesExtensionAttributes` belong to Exchange and on-premises sync, and are read-only for synced users;
 * - schema extensions need a lifecycle (InDevelopment → Available) and an owner app, for the same result.
 * A directory extension (`extension_<appId without dashes>_<name>`) is written with a plain PATCH /users/{id}
 * (User.ReadWrite.All, app-only), read with `$select` and filtered with `eq` (User.Read.All), and is registered once
 * on an app registration with POST /applications/{id}/extensionProperties.
 */

export const DEFAULT_MARKER_NAME = 'm365GuestSyncSource';

const EXTENSION_ATTRIBUTE = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/;

/** `extension_<client id without dashes>_m365GuestSyncSource`: registered on the sync's own app registration. */
export function defaultMarkerAttribute(clientId: string): string {
	return `extension_${clientId.replace(/-/g, '').toLowerCase()}_${DEFAULT_MARKER_NAME}`;
}

export function isMarkerAttribute(name: string): boolean {
	return EXTENSION_ATTRIBUTE.test(name);
}
