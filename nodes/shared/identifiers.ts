/**
 * Shapes of the identifiers Graph and Entra use, in one place: object ids (GUIDs) and addresses
 * (user principal names and mail). `*_SOURCE` strings are for resource-locator validation regexes.
 */
export const GUID_SOURCE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const GUID = new RegExp(`^${GUID_SOURCE}$`);
export const ADDRESS_SOURCE = '[^\\s@]+@[^\\s@]+\\.[^\\s@]+';
export const ADDRESS = new RegExp(`^${ADDRESS_SOURCE}$`);

