/**
 * The one place that decides what the foundation and end-to-end suites test against: the emulator (nothing set), or
 * a real Microsoft 365 tenant whose app registration and integration account are given in M365_E2E_* variables.
 * Tests take their credential data from here and declare what they need; a test that needs something the target
 * cannot give (the emulator's clock, faults, token revocation, seeded ids) is skipped with the reason in its title.
 * A half-given configuration is an error naming the missing variable, never a silent fall-back to the emulator.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { CLOUD_HOSTS, isCloud, type M365Cloud } from '../../nodes/shared/auth/clouds';
import { INTEGRATION_ACCOUNT_SCOPES } from '../../nodes/shared/auth/scopes';
import type { Emulator } from '../emulator';
import { SEED_APPS, SEED_CHANNELS, SEED_TEAMS, SEED_USERS } from '../emulator';
import { integrationAccountCredentialData, tenantAppCredentialData as emulatorTenantAppCredentialData } from './emulatorCredentials';
import { connectedCredentialData, delegatedConnectionData, redeemAtTokenEndpoint, type DelegatedConnection } from './tokenEndpoint';

export const TARGET_VARIABLES = {
	tenantId: 'M365_E2E_TENANT_ID',
	clientId: 'M365_E2E_CLIENT_ID',
	clientSecret: 'M365_E2E_CLIENT_SECRET',
	refreshToken: 'M365_E2E_REFRESH_TOKEN',
	integrationUpn: 'M365_E2E_INTEGRATION_UPN',
	teamId: 'M365_E2E_TEAM_ID',
	channelId: 'M365_E2E_CHANNEL_ID',
	cloud: 'M365_E2E_CLOUD',
} as const;

const REQUIRED = ['tenantId', 'clientId', 'clientSecret'] as const;

export interface RealTenant {
	tenantId: string;
	clientId: string;
	clientSecret: string;
	cloud: M365Cloud;
	/** the integration account's refresh token, for delegated tests */
	refreshToken?: string;
	integrationUpn?: string;
	teamId?: string;
	channelId?: string;
}

export type TestTarget = { kind: 'emulator' } | { kind: 'tenant'; tenant: RealTenant };

/** A real-tenant configuration that cannot work. Names variables only: their values may be secrets. */
export class TestTargetError extends Error {
	constructor(message: string) {
		super(`${message} Unset every M365_E2E_ tenant variable to test against the emulator instead.`);
		this.name = 'TestTargetError';
	}
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function listNames(names: string[]): string {
	return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function readTestTarget(env: NodeJS.ProcessEnv = process.env): TestTarget {
	const value = (key: keyof typeof TARGET_VARIABLES) => env[TARGET_VARIABLES[key]]?.trim() || undefined;
	const given = (Object.keys(TARGET_VARIABLES) as Array<keyof typeof TARGET_VARIABLES>).filter((key) => value(key) !== undefined);
	if (given.length === 0) return { kind: 'emulator' };

	const missing = REQUIRED.filter((key) => value(key) === undefined).map((key) => TARGET_VARIABLES[key]);
	if (missing.length) {
		const set = given.map((key) => TARGET_VARIABLES[key]);
		throw new TestTargetError(
			`${listNames(missing)} ${missing.length === 1 ? 'is' : 'are'} not set: a real-tenant run needs ${listNames(REQUIRED.map((key) => TARGET_VARIABLES[key]))} (set: ${set.join(', ')}).`,
		);
	}
	for (const key of ['tenantId', 'clientId'] as const) {
		if (!GUID.test(value(key)!)) {
			const what = key === 'tenantId' ? 'Directory (tenant) ID' : 'Application (client) ID';
			throw new TestTargetError(`${TARGET_VARIABLES[key]} must be the ${what}, a GUID from the app registration's Overview page.`);
		}
	}
	const cloud = value('cloud') ?? 'global';
	if (!isCloud(cloud)) {
		throw new TestTargetError(`${TARGET_VARIABLES.cloud} must be one of ${Object.keys(CLOUD_HOSTS).join(', ')} (it is "${cloud}").`);
	}
	if (value('integrationUpn') && !value('refreshToken')) {
		throw new TestTargetError(`${TARGET_VARIABLES.integrationUpn} is set but ${TARGET_VARIABLES.refreshToken} is not: the integration account is signed in with its refresh token.`);
	}
	if (value('channelId') && !value('teamId')) {
		throw new TestTargetError(`${TARGET_VARIABLES.channelId} is set but ${TARGET_VARIABLES.teamId} is not: a channel is found within its team.`);
	}
	return {
		kind: 'tenant',
		tenant: {
			tenantId: value('tenantId')!,
			clientId: value('clientId')!,
			clientSecret: value('clientSecret')!,
			cloud,
			refreshToken: value('refreshToken'),
			integrationUpn: value('integrationUpn'),
			teamId: value('teamId'),
			channelId: value('channelId'),
		},
	};
}

let current: TestTarget | undefined;

/** The target of this test process, read once from process.env (throws TestTargetError on a half configuration). */
export function currentTarget(): TestTarget {
	current ??= readTestTarget(process.env);
	return current;
}

export function usingRealTenant(target: TestTarget = currentTarget()): boolean {
	return target.kind === 'tenant';
}

// --- What a test needs, and whether this target has it ---------------------------------------------------------

/** Things only the emulator offers. */
export type EmulatorControl = 'clock' | 'faults' | 'tokens' | 'seed' | 'requests' | 'state' | 'signInPage' | 'notifications';

const CONTROL_REASONS: Record<EmulatorControl, string> = {
	clock: 'moves the emulator clock',
	faults: 'injects faults (throttling, dropped connections)',
	tokens: 'expires or revokes tokens at will',
	seed: "uses the emulator's seeded apps, users or ids",
	requests: "counts requests in the emulator's log",
	state: "reads or changes the emulator tenant's data directly",
	signInPage: "signs in on the emulator's sign-in page with a seeded password",
	notifications: 'has the emulator deliver change notifications to a loopback webhook URL',
};

/** Inputs a real tenant gives only when their variables are set (the emulator always has them, seeded). */
export type TenantInput = 'integrationAccount' | 'teamAndChannel';

const INPUT_VARIABLES: Record<TenantInput, ReadonlyArray<keyof RealTenant>> = {
	integrationAccount: ['refreshToken'],
	teamAndChannel: ['teamId', 'channelId'],
};

export type TestNeed = EmulatorControl | TenantInput;

function isTenantInput(need: TestNeed): need is TenantInput {
	return need in INPUT_VARIABLES;
}

/** Why a test with these needs cannot run on the target, or undefined when it can. */
export function skipReason(needs: readonly TestNeed[], target: TestTarget = currentTarget()): string | undefined {
	if (target.kind === 'emulator') return undefined;
	const controls = needs.filter((need): need is EmulatorControl => !isTenantInput(need));
	if (controls.length) return `emulator only: ${controls.map((control) => CONTROL_REASONS[control]).join('; ')}`;
	const unset = needs
		.filter(isTenantInput)
		.flatMap((input) => INPUT_VARIABLES[input])
		.filter((field) => target.tenant[field] === undefined)
		.map((field) => TARGET_VARIABLES[field as keyof typeof TARGET_VARIABLES]);
	if (unset.length) return `real tenant without ${listNames([...new Set(unset)])}`;
	return undefined;
}

function skippedTitle(name: string, reason: string): string {
	return `${name} [skipped: ${reason}]`;
}

function announceSkip(kind: 'describe' | 'test', name: string, reason: string): void {
	// Printed as well as put in the title, so a non-verbose run also says what a real-tenant run left out.
	console.info(`Skipped ${kind} "${name}": ${reason}`);
}

/** `describe`, or `describe.skip` with the reason when the target lacks one of `needs`. */
export function describeRequiring(needs: readonly TestNeed[], name: string, fn: () => void): void {
	const reason = skipReason(needs);
	if (reason === undefined) return describe(name, fn);
	announceSkip('describe', name, reason);
	describe.skip(skippedTitle(name, reason), fn);
}

/** `it`, or `it.skip` with the reason when the target lacks one of `needs`. */
export function itRequiring(needs: readonly TestNeed[], name: string, fn: jest.ProvidesCallback, timeout?: number): void {
	const reason = skipReason(needs);
	if (reason === undefined) return it(name, fn, timeout);
	announceSkip('test', name, reason);
	it.skip(skippedTitle(name, reason), fn, timeout);
}

export function describeEmulatorOnly(controls: readonly EmulatorControl[], name: string, fn: () => void): void {
	describeRequiring(controls, name, fn);
}

export function itEmulatorOnly(controls: readonly EmulatorControl[], name: string, fn: jest.ProvidesCallback, timeout?: number): void {
	itRequiring(controls, name, fn, timeout);
}

// --- Credential data for the target -----------------------------------------------------------------------------

function realTenant(): RealTenant {
	const target = currentTarget();
	if (target.kind !== 'tenant') throw new Error('Not testing against a real tenant');
	return target.tenant;
}

/**
 * Tenant-app credential data: the emulator's main seeded app on the emulator's hosts, or the real tenant's app
 * on its cloud's own hosts (no custom hosts). `overrides` apply to both (e.g. a wrong client secret).
 */
export function tenantAppCredentials(emulator: Emulator | undefined, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	if (!usingRealTenant()) return emulatorTenantAppCredentialData(requireEmulator(emulator), 'main', overrides);
	const tenant = realTenant();
	return {
		tenantId: tenant.tenantId,
		clientId: tenant.clientId,
		authMethod: 'secret',
		clientSecret: tenant.clientSecret,
		cloud: tenant.cloud,
		useCustomHosts: false,
		...overrides,
	};
}

function requireEmulator(emulator: Emulator | undefined): Emulator {
	if (!emulator) throw new Error('Testing against the emulator, but no emulator was given');
	return emulator;
}

function realConnection(tenant: RealTenant): DelegatedConnection {
	return { tenantId: tenant.tenantId, clientId: tenant.clientId, clientSecret: tenant.clientSecret, cloud: tenant.cloud };
}

/** The integration account credential before Connect: what an admin fills in, no tokens. */
export function integrationAccountConnection(emulator: Emulator | undefined): ICredentialDataDecryptedObject {
	if (!usingRealTenant()) {
		const { tenantId, loginHost, graphHost } = requireEmulator(emulator);
		const seeded = { tenantId, clientId: SEED_APPS.main.appId, clientSecret: SEED_APPS.main.secret, cloud: 'global' };
		return delegatedConnectionData({ ...seeded, customHosts: { loginHost, graphHost } });
	}
	return delegatedConnectionData(realConnection(realTenant()));
}

/** The token endpoint a real tenant's integration account is refreshed at (the credential's own default URL). */
export function realTokenUrl(tenant: RealTenant): string {
	return `https://${CLOUD_HOSTS[tenant.cloud].loginHost}/${tenant.tenantId}/oauth2/v2.0/token`;
}

/**
 * The integration account as n8n stores it after Connect: signed in on the emulator's sign-in page, or, for a real
 * tenant, M365_E2E_REFRESH_TOKEN redeemed at the real token endpoint by the same code that redeems the emulator's
 * authorization code (a test needing this declares the need 'integrationAccount').
 */
export async function integrationAccountCredentials(
	emulator: Emulator | undefined,
	overrides: ICredentialDataDecryptedObject = {},
): Promise<ICredentialDataDecryptedObject> {
	if (!usingRealTenant()) return await integrationAccountCredentialData(requireEmulator(emulator), {}, overrides);
	const tenant = realTenant();
	if (!tenant.refreshToken) throw new TestTargetError(`${TARGET_VARIABLES.refreshToken} is not set: this test signs in as the integration account.`);
	const tokens = await redeemAtTokenEndpoint({
		tokenUrl: realTokenUrl(tenant),
		clientId: tenant.clientId,
		clientSecret: tenant.clientSecret,
		scopes: INTEGRATION_ACCOUNT_SCOPES,
		grant: { grant_type: 'refresh_token', refresh_token: tenant.refreshToken },
		describedAs: TARGET_VARIABLES.refreshToken,
	});
	return connectedCredentialData(realConnection(tenant), tokens, overrides);
}

/** Who and where the integration account is, for assertions: the seeded account, or what the variables say. */
export function expectedIntegrationAccount(emulator: Emulator | undefined): { tenantId: string; upn?: string; teamId?: string; channelId?: string } {
	if (!usingRealTenant()) {
		return { tenantId: requireEmulator(emulator).tenantId, upn: SEED_USERS.integration.upn, teamId: SEED_TEAMS.sales.id, channelId: SEED_CHANNELS.salesGeneral.id };
	}
	const tenant = realTenant();
	return { tenantId: tenant.tenantId, upn: tenant.integrationUpn, teamId: tenant.teamId, channelId: tenant.channelId };
}

/** Secrets of the target that must never appear in an output, error or log. */
export function targetSecrets(): string[] {
	if (!usingRealTenant()) return [];
	const tenant = realTenant();
	return [tenant.clientSecret, tenant.refreshToken].filter((secret): secret is string => Boolean(secret));
}

/** For tests of this module: forget the target read from process.env. */
export function resetTargetForTests(): void {
	current = undefined;
}
