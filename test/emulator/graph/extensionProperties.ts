// Directory extension properties (api-reference/v1.0/api/application-post-extensionproperty.md): registered on an
// application, named extension_{appId without dashes}_{name}, then written on users with PATCH /users/{id} and read
// with $select / $filter like any user property (the users area stores them on the user as they come).
//
// The registry lives in state.area('extensionProperties'); tests can register one directly with
// registerExtensionProperty(). The users area asks extensionPropertyError() about every extension_* name in $select,
// $filter and PATCH bodies, and answers Graph's 400 for one nobody registered.
import type { ExtensionProperty } from '@microsoft/microsoft-graph-types';

import type { TenantState } from '../state/tenantState';
import { directoryNotFound, graphError } from './errors';
import type { GraphContext, GraphRouter } from './router';

type RegisteredExtension = ExtensionProperty & { id: string; name: string; appObjectId: string };

interface ExtensionArea {
	properties: RegisteredExtension[];
}

function area(state: TenantState): ExtensionArea {
	return state.area<ExtensionArea>('extensionProperties', () => ({ properties: [] }));
}

const PERMISSIONS = {
	application: ['Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All', 'Directory.ReadWrite.All'],
	delegated: ['Application.ReadWrite.All', 'Directory.ReadWrite.All'],
};

export function extensionName(appId: string, name: string): string {
	return `extension_${appId.replace(/-/g, '').toLowerCase()}_${name}`;
}

/** Registers extension_{appId}_{name} on the app with this client id (test setup, as an admin would once). */
export function registerExtensionProperty(state: TenantState, appId: string, name: string, targetObjects: string[] = ['User']): RegisteredExtension {
	const app = state.app(appId);
	if (!app) throw new Error(`emulator: no application with appId ${appId}`);
	const fullName = extensionName(appId, name);
	const existing = area(state).properties.find((p) => p.name.toLowerCase() === fullName.toLowerCase());
	if (existing) return existing;
	const property: RegisteredExtension = {
		id: state.newId(),
		name: fullName,
		appDisplayName: app.application.displayName,
		dataType: 'String',
		isMultiValued: false,
		isSyncedFromOnPremises: false,
		targetObjects,
		appObjectId: app.application.id,
	};
	area(state).properties.push(property);
	return property;
}

export function isRegisteredExtension(state: TenantState, propertyName: string): boolean {
	return area(state).properties.some((p) => p.name.toLowerCase() === propertyName.toLowerCase());
}

/** Graph's answer for an extension attribute nobody registered, or undefined when the name is fine. */
export function extensionPropertyError(state: TenantState, propertyName: string): { status: 400; code: string; message: string } | undefined {
	if (!/^extension_/i.test(propertyName) || isRegisteredExtension(state, propertyName)) return undefined;
	return {
		status: 400,
		code: 'Request_BadRequest',
		message: `Property '${propertyName}' does not exist as a declared property or extension property.`,
	};
}

function appByObjectId(ctx: GraphContext) {
	return Object.values(ctx.state.data.applications).find((a) => a.application.id === ctx.params.objectId) ?? directoryNotFound(ctx.params.objectId);
}

function publicShape(property: RegisteredExtension): ExtensionProperty {
	const { appObjectId: _owner, ...rest } = property;
	return { '@odata.type': '#microsoft.graph.extensionProperty', ...rest } as ExtensionProperty;
}

export function registerExtensionProperties(graph: GraphRouter): void {
	graph.route('POST', '/applications/:objectId/extensionProperties', {
		directory: true,
		permissions: PERMISSIONS,
		handler(ctx) {
			const app = appByObjectId(ctx);
			const body = (ctx.body ?? {}) as { name?: unknown; dataType?: unknown; targetObjects?: unknown };
			if (typeof body.name !== 'string' || !/^[A-Za-z0-9_]{1,120}$/.test(body.name)) graphError(400, 'Request_BadRequest', 'Invalid value specified for property \'name\' of resource \'ExtensionProperty\'.');
			if (typeof body.dataType !== 'string') graphError(400, 'Request_BadRequest', 'Invalid value specified for property \'dataType\' of resource \'ExtensionProperty\'.');
			const targets = Array.isArray(body.targetObjects) ? body.targetObjects.map(String) : [];
			if (targets.length === 0) graphError(400, 'Request_BadRequest', 'Invalid value specified for property \'targetObjects\' of resource \'ExtensionProperty\'.');
			const fullName = extensionName(app.application.appId, body.name);
			if (isRegisteredExtension(ctx.state, fullName)) graphError(400, 'Request_BadRequest', `Property '${fullName}' already exists.`);
			const property = registerExtensionProperty(ctx.state, app.application.appId, body.name, targets);
			property.dataType = body.dataType;
			return {
				status: 201,
				body: { '@odata.context': `${ctx.graphUrl}/${ctx.version}/$metadata#applications('${app.application.id}')/extensionProperties/$entity`, ...publicShape(property) },
			};
		},
	});

	// The admin's one-time set-up without an admin token (the demo, child-process emulators).
	graph.control('POST', '/extensionProperties', (ctx) => {
		const body = (ctx.body ?? {}) as { appId?: unknown; name?: unknown; targetObjects?: unknown };
		if (typeof body.appId !== 'string' || typeof body.name !== 'string' || !ctx.state.app(body.appId)) {
			return { status: 400, body: { error: 'POST /_emulator/extensionProperties with { appId (of an app in the tenant), name, targetObjects? }' } };
		}
		const targets = Array.isArray(body.targetObjects) ? body.targetObjects.map(String) : undefined;
		return { status: 201, body: publicShape(registerExtensionProperty(ctx.state, body.appId, body.name, targets)) };
	});

	graph.route('GET', '/applications/:objectId/extensionProperties', {
		directory: true,
		permissions: {
			application: ['Application.Read.All', ...PERMISSIONS.application, 'Directory.Read.All'],
			delegated: ['Application.Read.All', ...PERMISSIONS.delegated, 'Directory.Read.All'],
		},
		handler(ctx) {
			const app = appByObjectId(ctx);
			const value = area(ctx.state).properties.filter((p) => p.appObjectId === app.application.id).map(publicShape);
			return { body: { '@odata.context': `${ctx.graphUrl}/${ctx.version}/$metadata#applications('${app.application.id}')/extensionProperties`, value } };
		},
	});
}
