/**
 * This source's guests: read page by page before any write (which also proves the marker attribute is registered),
 * each planned against the input user it answers for, or weighed for removal. The listing's `$filter` compares the
 * marker regardless of case, so every guest is checked against the source name exactly here.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { describeFailure, isSuccess, managedGuests, managedGuestsUrl, runBatched, toDirectoryUser, type GraphUserWithMarker } from '../directory';
import { differsOnlyInCase } from '../marker';
import {
	addressesOf,
	matchDirectoryUser,
	planSourceUser,
	type DirectoryUser,
	type RemovalPlanner,
	type SourceUser,
	type UserPlan,
} from '../plan';
import type { SyncSettings } from './settings';

/**
 * The guests of this source, page by page. The first page goes through `$batch`, which returns Graph's answer instead
 * of throwing: Graph answers 400 for an unregistered extension attribute, and that stops the sync before any write.
 * Without `needAll` only the first page is read: enough to prove the marker and to find a colliding source name.
 */
export async function* managedGuestPages(
	this: IExecuteFunctions,
	settings: SyncSettings,
	needAll: boolean,
): AsyncGenerator<DirectoryUser[]> {
	const first = await readFirstManagedPage.call(this, settings);
	yield first.guests;
	if (needAll && first.nextLink) yield* managedGuests.call(this, settings.markerAttribute, first.nextLink);
}

async function readFirstManagedPage(
	this: IExecuteFunctions,
	settings: SyncSettings,
): Promise<{ guests: DirectoryUser[]; nextLink?: string }> {
	const [firstPage] = await runBatched.call(this, [
		{ id: '1', method: 'GET', url: managedGuestsUrl(settings.markerAttribute, settings.sourceName) },
	]);
	if (!isSuccess(firstPage)) {
		const graphSaid = describeFailure(firstPage);
		if (firstPage.status === 400) {
			throw new NodeOperationError(this.getNode(), `Graph does not accept the marker attribute ${settings.markerAttribute}`, {
				description: `Register it once on the app (POST /applications/{app object id}/extensionProperties with {"name":"m365GuestSyncSource","dataType":"String","targetObjects":["User"]}), or set Options > Marker Attribute to the one you registered. Graph said: ${graphSaid}`,
			});
		}
		throw new NodeOperationError(this.getNode(), `Could not read the guests of source "${settings.sourceName}": ${graphSaid}`, {
			description:
				firstPage.status === 403
					? 'Grant the app the User.Read.All (or User.ReadWrite.All) application permission with admin consent.'
					: undefined,
		});
	}
	const body = firstPage.body as { value?: GraphUserWithMarker[]; '@odata.nextLink'?: string };
	return {
		guests: (body.value ?? []).map((user) => toDirectoryUser(user, settings.markerAttribute)),
		nextLink: body['@odata.nextLink'],
	};
}

/** Stops the run before any write when another sync's name differs from this one only in letter case. */
export function refuseCollidingSource(this: IExecuteFunctions, guest: DirectoryUser, settings: SyncSettings): void {
	if (!differsOnlyInCase(settings.sourceName, guest.marker)) return;
	throw new NodeOperationError(
		this.getNode(),
		`Source Name "${settings.sourceName}" collides with another sync's source "${guest.marker}": they differ only in letter case`,
		{
			description: `Microsoft Entra compares the marker regardless of case, so each sync would see the other's guests (for example ${guest.id}). Nothing was changed. Give this sync a name that differs in more than case, or use "${guest.marker}" if it is the same source.`,
		},
	);
}

/**
 * Plans the input users a guest of this source answers for (it needs no lookup then), or weighs it for removal when
 * it answers for none. An address two guests share is planned with the one read last.
 */
export function matchManagedGuest(
	guest: DirectoryUser,
	byEmail: ReadonlyMap<string, SourceUser>,
	settings: SyncSettings,
	managedPlans: ManagedPlans,
	removals: RemovalPlanner,
): void {
	if (guest.marker !== settings.sourceName) return;
	for (const address of addressesOf(guest)) {
		const source = byEmail.get(address);
		if (!source) continue;
		managedPlans.set(planSourceUser(source, matchDirectoryUser(source.email, [guest], settings.sourceName), settings.planOptions));
	}
	removals.consider(guest);
}

/**
 * Plans made from this source's guests, by item index, until their user's window. Once planned, only the directory
 * user's id is used, so the rest of its record is not kept; and nearly every plan is "unchanged", kept as that id alone
 * rather than as one plan object per user.
 */
export class ManagedPlans {
	private readonly plans: Array<UserPlan | string | undefined>;

	constructor(itemCount: number) {
		this.plans = new Array<UserPlan | string | undefined>(itemCount);
	}

	set(plan: UserPlan): void {
		this.plans[plan.source.itemIndex] = plan.kind === 'unchanged' ? plan.user.id : withUserIdOnly(plan);
	}

	has(itemIndex: number): boolean {
		return this.plans[itemIndex] !== undefined;
	}

	/** The user's plan, forgotten as it is handed out. */
	take(source: SourceUser): UserPlan | undefined {
		const plan = this.plans[source.itemIndex];
		this.plans[source.itemIndex] = undefined;
		return typeof plan === 'string' ? { kind: 'unchanged', source, user: { id: plan } } : plan;
	}
}

function withUserIdOnly(plan: UserPlan): UserPlan {
	switch (plan.kind) {
		case 'invite':
			return plan;
		case 'skip':
			return plan.user ? { ...plan, user: { id: plan.user.id } } : plan;
		default:
			return { ...plan, user: { id: plan.user.id, userPrincipalName: plan.user.userPrincipalName } };
	}
}
