/** Splits a list into consecutive pieces of at most `size` (Graph's `in` filter takes 15 values, a presence read 650 ids, $batch 20 requests). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
	return chunks;
}
