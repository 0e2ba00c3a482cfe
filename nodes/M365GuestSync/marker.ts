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

/**
 * A source name as written into the marker: trimmed, Unicode-normalised (NFC) and with inner runs of white space made
 * one space, so the same name typed twice is the same marker. Letter case is kept: it is part of the marker written
 * so far, and Graph's `$filter` compares regardless of case anyway (see `differsOnlyInCase`).
 */
export function normalizeSourceName(raw: unknown): string {
	return String(raw ?? '')
		.normalize('NFC')
		.trim()
		.replace(/\s+/g, ' ');
}

/**
 * Whether a marker read from Entra belongs to another sync whose name collides with this one: equal regardless of
 * case, but not exactly. Graph's `$filter ... eq` ignores case, so two such syncs would see each other's guests.
 */
export function differsOnlyInCase(sourceName: string, marker: string | null | undefined): boolean {
	return typeof marker === 'string' && marker !== sourceName && marker.toLowerCase() === sourceName.toLowerCase();
}
