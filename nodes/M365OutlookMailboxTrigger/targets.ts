import type { MailFolder, User } from '@microsoft/microsoft-graph-types';
import type { IPollFunctions } from 'n8n-workflow';

import { mailboxPath } from '../shared/descriptions/mailbox';
import { graphRequestAllItems } from '../shared/transport';
import type { TriggerConfig } from './config';
import { cursorKey, type MailboxTriggerState, type ResolvedFolder } from './cursor';

/** One folder of one mailbox: the unit a cursor belongs to. */
export interface FolderTarget {
	key: string;
	mailbox: string;
	folder: ResolvedFolder;
}

export interface TargetFailure {
	mailbox: string;
	folder: string;
	error: unknown;
}

/** Directory and folder lookups are repeated at most this often (folders move rarely; polls are frequent). */
export const LOOKUP_MAX_AGE_MS = 60 * 60 * 1000;

/** The mailboxes to read this poll, in a stable order. */
export async function resolveMailboxes(
	this: IPollFunctions,
	config: TriggerConfig,
	state: MailboxTriggerState,
	nowMs: number,
): Promise<string[]> {
	if (config.scope === 'list') return config.mailboxes;
	let listed = state.directory && nowMs - state.directory.fetchedAt < LOOKUP_MAX_AGE_MS ? state.directory.mailboxes : undefined;
	if (!listed) {
		const users = (await graphRequestAllItems.call(this, {
			credentialType: config.credentialType,
			method: 'GET',
			url: '/users',
			qs: { $select: 'id,userPrincipalName,mail,userType', $top: 999 },
		})) as User[];
		listed = users
			// Guests carry a mail address but have no mailbox in this tenant.
			.filter((user) => typeof user.mail === 'string' && user.mail.length > 0 && user.userType !== 'Guest')
			.map((user) => (user.mail as string).toLowerCase())
			.sort();
		state.directory = { fetchedAt: nowMs, mailboxes: listed };
	}
	return listed.filter(
		(address) =>
			(config.include.length === 0 || config.include.includes(address)) && !config.exclude.includes(address),
	);
}

function needsLookup(config: TriggerConfig): boolean {
	return config.folderPaths.length > 0 || config.includeChildFolders;
}

async function listFolders(
	context: IPollFunctions,
	config: TriggerConfig,
	url: string,
): Promise<MailFolder[]> {
	return (await graphRequestAllItems.call(context, {
		credentialType: config.credentialType,
		method: 'GET',
		url,
		qs: { $select: 'id,displayName,childFolderCount', $top: 100 },
	})) as MailFolder[];
}

async function descendants(
	context: IPollFunctions,
	config: TriggerConfig,
	base: string,
	root: ResolvedFolder,
	rootId: string,
): Promise<ResolvedFolder[]> {
	const found: ResolvedFolder[] = [];
	const queue: Array<{ id: string; label: string }> = [{ id: rootId, label: root.label }];
	while (queue.length > 0) {
		const parent = queue.shift() as { id: string; label: string };
		const children = await listFolders(context, config, `${base}/mailFolders/${encodeURIComponent(parent.id)}/childFolders`);
		for (const child of children) {
			if (!child.id) continue;
			const label = `${parent.label}/${child.displayName ?? child.id}`;
			found.push({ label, segment: child.id });
			if ((child.childFolderCount ?? 0) > 0) queue.push({ id: child.id, label });
		}
	}
	return found;
}

/** Folders of one mailbox: well-known names as they are, paths and child folders looked up. */
async function foldersOf(context: IPollFunctions, config: TriggerConfig, mailbox: string): Promise<ResolvedFolder[]> {
	const wellKnown = config.folders.map((name) => ({ label: name, segment: name }));
	if (!needsLookup(config)) return wellKnown;
	const base = mailboxPath(mailbox);
	const result: ResolvedFolder[] = [...wellKnown];
	const roots: Array<{ folder: ResolvedFolder; id: string }> = [];
	if (config.includeChildFolders) {
		for (const folder of wellKnown) roots.push({ folder, id: folder.segment });
	}
	if (config.folderPaths.length > 0) {
		const top = await listFolders(context, config, `${base}/mailFolders`);
		for (const segments of config.folderPaths) {
			let level = top;
			let current: MailFolder | undefined;
			for (const [depth, name] of segments.entries()) {
				current = level.find((folder) => (folder.displayName ?? '').toLowerCase() === name.toLowerCase());
				if (!current?.id) break;
				if (depth < segments.length - 1) {
					level = await listFolders(context, config, `${base}/mailFolders/${encodeURIComponent(current.id)}/childFolders`);
				}
			}
			// A mailbox without this folder is skipped for it; the others keep working.
			if (!current?.id) continue;
			const folder = { label: segments.join('/'), segment: current.id };
			if (!result.some((known) => known.segment === folder.segment)) result.push(folder);
			if (config.includeChildFolders) roots.push({ folder, id: current.id });
		}
	}
	for (const root of roots) {
		for (const child of await descendants(context, config, base, root.folder, root.id)) {
			if (!result.some((known) => known.segment === child.segment)) result.push(child);
		}
	}
	return result;
}

/** Every folder of every mailbox to read this poll; a mailbox whose folders cannot be looked up fails alone. */
export async function resolveTargets(
	this: IPollFunctions,
	config: TriggerConfig,
	mailboxes: string[],
	state: MailboxTriggerState,
	nowMs: number,
): Promise<{ targets: FolderTarget[]; failures: TargetFailure[] }> {
	const targets: FolderTarget[] = [];
	const failures: TargetFailure[] = [];
	const cache = state.folders ?? {};
	const nextCache: NonNullable<MailboxTriggerState['folders']> = {};
	for (const mailbox of mailboxes) {
		const mailboxKey = mailbox.toLowerCase();
		let folders: ResolvedFolder[];
		if (!needsLookup(config)) {
			folders = config.folders.map((name) => ({ label: name, segment: name }));
		} else if (cache[mailboxKey] && nowMs - cache[mailboxKey].fetchedAt < LOOKUP_MAX_AGE_MS) {
			folders = cache[mailboxKey].folders;
			nextCache[mailboxKey] = cache[mailboxKey];
		} else {
			try {
				folders = await foldersOf(this, config, mailbox);
				nextCache[mailboxKey] = { fetchedAt: nowMs, folders };
			} catch (error) {
				failures.push({ mailbox, folder: '(folder list)', error });
				continue;
			}
		}
		for (const folder of folders) {
			targets.push({ key: cursorKey(mailbox, folder.segment), mailbox, folder });
		}
	}
	if (needsLookup(config)) state.folders = nextCache;
	else delete state.folders;
	return { targets, failures };
}
