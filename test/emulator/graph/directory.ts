// /organization, /applications and /servicePrincipals (what the connection health check reads).
import type { Application, ServicePrincipal } from '@microsoft/microsoft-graph-types';

import { applyFilter, FilterSyntaxError } from '../odata/filter';
import { collectionResponse, odataContext, pageItems, selectProperties } from '../odata/query';
import { directoryNotFound, graphError } from './errors';
import type { GraphContext, GraphRouter } from './router';

function filtered<T>(ctx: GraphContext, items: T[]): T[] {
	try {
		return applyFilter(items, ctx.query.get('$filter'));
	} catch (error) {
		if (error instanceof FilterSyntaxError) graphError(400, 'BadRequest', `Invalid filter clause: ${error.message}`);
		throw error;
	}
}

function servicePrincipals(ctx: GraphContext): ServicePrincipal[] {
	return Object.values(ctx.state.data.applications).map((app) => ({
		id: app.servicePrincipalId,
		appId: app.application.appId,
		displayName: app.application.displayName,
		servicePrincipalType: 'Application',
		accountEnabled: true,
		appOwnerOrganizationId: ctx.state.tenantId,
		servicePrincipalNames: [app.application.appId],
		signInAudience: 'AzureADMyOrg',
	}));
}

export function registerDirectory(graph: GraphRouter): void {
	graph.route('GET', '/organization', {
		directory: true,
		permissions: {
			application: ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
			delegated: ['User.Read', 'Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
		},
		handler(ctx) {
			const page = pageItems(ctx, [selectProperties(ctx.state.data.organization, ctx.query)], { defaultTop: 100, maxTop: 999 });
			return { body: collectionResponse(ctx, 'organization', page) };
		},
	});

	const applicationPermissions = {
		application: ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
		delegated: ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
	};

	graph.route('GET', '/applications', {
		directory: true,
		permissions: applicationPermissions,
		handler(ctx) {
			const apps: Application[] = filtered(ctx, Object.values(ctx.state.data.applications).map((a) => a.application));
			const page = pageItems(ctx, apps, { defaultTop: 100, maxTop: 999 });
			page.value = page.value.map((a) => selectProperties(a, ctx.query) as Application);
			return { body: collectionResponse(ctx, 'applications', page) };
		},
	});

	graph.route('GET', '/applications/:objectId', {
		directory: true,
		permissions: applicationPermissions,
		handler(ctx) {
			const app = Object.values(ctx.state.data.applications).find((a) => a.application.id === ctx.params.objectId) ?? directoryNotFound(ctx.params.objectId);
			return { body: { '@odata.context': odataContext(ctx, 'applications', { entity: true }), ...selectProperties(app.application, ctx.query) } };
		},
	});

	graph.route('GET', '/servicePrincipals', {
		directory: true,
		permissions: applicationPermissions,
		handler(ctx) {
			const page = pageItems(ctx, filtered(ctx, servicePrincipals(ctx)), { defaultTop: 100, maxTop: 999 });
			page.value = page.value.map((sp) => selectProperties(sp, ctx.query) as ServicePrincipal);
			return { body: collectionResponse(ctx, 'servicePrincipals', page) };
		},
	});
}
