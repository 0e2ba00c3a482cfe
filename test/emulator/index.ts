// Public entry point of the Entra ID + Microsoft Graph emulator. See README.md.
export { startEmulator, type Emulator, type EmulatorOptions } from './emulator';
export type { Clock } from './clock';
export type { ChangeEvent, ChangeType, EmulatorEvents } from './events';
export { normalizeResourcePath } from './events';
export type { ActiveFault, FaultKind, FaultSpec, Faults } from './faults';
export type { RequestFilter, RequestLog, RequestLogEntry } from './requestLog';
export { queryOf } from './requestLog';
export type { RuleDefinition, RulesControl, RuleValue } from './rules';
export type { Principal, TokenControl } from './tokens';
export { TenantState } from './state/tenantState';
export type * from './state/types';
export * from './state/seed';
export { generateLargeTenant, largeTenantUser } from './state/largeTenant';
export { PACKAGE_APP_ROLES, PACKAGE_DELEGATED_SCOPES } from './state/permissions';
export { EMULATOR_MFA_CODE } from './entra/context';
export type { GraphContext, GraphHandler, GraphResult, GraphRouter, HttpMethod, RouteDefinition, RoutePermissions } from './graph/router';
export { GraphError, graphError, directoryNotFound } from './graph/errors';
export { emulatorRequest, signInThroughAuthorizePage } from './testClient';
