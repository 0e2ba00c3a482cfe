// Change events: every mutation that Graph change notifications cover is announced on `emulator.events` as
// 'change', so the subscriptions area can deliver notifications without knowing which area made the change.
import { EventEmitter } from 'events';

export type ChangeType = 'created' | 'updated' | 'deleted';

export interface ChangeEvent {
	changeType: ChangeType;
	/**
	 * The resource as Graph writes it in a notification's `resource` field, e.g. `Users/{uid}/Messages/{mid}`,
	 * `teams('{t}')/channels('{c}')/messages('{m}')`, `chats('{c}')/messages('{m}')`, `communications/presences('{uid}')`.
	 */
	resource: string;
	/**
	 * Subscription resources this change falls under, in normalised form (see normalizeResourcePath), e.g.
	 * ['/users/{uid}/messages', '/users/{uid}/mailfolders/{folderId}/messages', '/users/{uid}/mailfolders/inbox/messages'].
	 * A subscription matches when normalizeResourcePath(subscription.resource) is one of these.
	 */
	subscriptionResources: string[];
	/** Graph's resourceData for the notification. */
	resourceData: { '@odata.type': string; '@odata.id': string; id: string; '@odata.etag'?: string; [key: string]: unknown };
	/** The entity after the change (before it, for 'deleted'); used for includeResourceData. */
	entity?: unknown;
	/** Emulator-clock time of the change (ISO). */
	occurredDateTime: string;
}

export interface EmulatorEvents extends EventEmitter {
	emit(event: 'change', change: ChangeEvent): boolean;
	on(event: 'change', listener: (change: ChangeEvent) => void): this;
	once(event: 'change', listener: (change: ChangeEvent) => void): this;
	off(event: 'change', listener: (change: ChangeEvent) => void): this;
}

export function createEvents(): EmulatorEvents {
	const events = new EventEmitter() as EmulatorEvents;
	events.setMaxListeners(0);
	return events;
}

/**
 * Normalises a Graph resource path for comparison: no base URL or version, no query string, `x('id')` and `x(id)`
 * become `x/id`, `/me/` stays (callers resolve it), lower case, no trailing slash, leading slash.
 * `/Users('A')/mailFolders('Inbox')/messages` -> `/users/a/mailfolders/inbox/messages`.
 */
export function normalizeResourcePath(resource: string): string {
	let path = resource.trim();
	path = path.replace(/^https?:\/\/[^/]+/i, '');
	path = path.split('?')[0];
	path = path.replace(/^\/?(v1\.0|beta)(?=\/)/i, '');
	path = path.replace(/\(\s*'?([^')]*)'?\s*\)/g, '/$1');
	path = path.replace(/\/+/g, '/').replace(/\/$/, '');
	if (!path.startsWith('/')) path = '/' + path;
	return decodeURIComponent(path).toLowerCase();
}
